package dev.onboarding.processor;

import static dev.onboarding.processor.TestData.ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationProgress;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.RoleVerificationState;
import dev.onboarding.processor.ledger.CallbackDecider;
import dev.onboarding.processor.queries.IntegrationJson;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The progress an integration's state shows of its latest callback (type, RequestId, arrival, role verification):
 * PENDING on a version of its own while the verifier checks the role, then the verifier's result on the version the
 * decision writes anyway, through the topology in a {@code TopologyTestDriver}.
 */
class CallbackProgressTest {
    private final TopologyFixture fx = new TopologyFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void aPendingIntegrationShowsNoProgressUntilACallbackArrives() {
        Integration pending = fx.pending("int-1", "tenant-a", TestData.externalId());

        assertThat(pending.getProgress()).isNull();
        assertThat(IntegrationJson.of(pending)).contains("\"progress\":null");
    }

    @Test
    void aConnectingCreateShowsItsArrivalAndTheVerifiedRole() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        CfnCallback create = TestData.create(ext, "req-1", ACCOUNT, "s", fx.now()).build();

        assertThat(fx.answer(create).getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        Integration connected = fx.integrations.readValue();

        assertThat(connected.getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
        IntegrationProgress progress = connected.getProgress();
        assertThat(progress.getLatestCallbackType()).isEqualTo(RequestType.CREATE);
        assertThat(progress.getLatestCallbackRequestId()).isEqualTo("req-1");
        assertThat(progress.getLatestCallbackAt()).isEqualTo(create.getReceivedAt());
        assertThat(progress.getRoleVerification().getState()).isEqualTo(RoleVerificationState.VERIFIED);
        assertThat(progress.getRoleVerification().getReason()).isNull();
        assertThat(IntegrationJson.of(connected)).contains("\"progress\":{\"latestCallbackType\":\"CREATE\","
                + "\"latestCallbackRequestId\":\"req-1\",\"latestCallbackAt\":\"" + create.getReceivedAt() + "\","
                + "\"roleVerification\":{\"state\":\"VERIFIED\",\"reason\":null,\"updatedAt\":\"");
    }

    @Test
    void theRoleIsPendingWhileTheVerifierChecksItThenShowsTheVerifiersResultNotTheCallbacks() {
        fx.verifyByHand();
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        // The callback claims a verified role: only the verifier's result counts.
        CfnCallback create = TestData.create(ext, "req-1", ACCOUNT, "s", fx.now())
                .setRoleVerification(TestData.verified()).build();
        fx.callback(create);

        assertThat(fx.responses.isEmpty()).isTrue();
        assertThat(fx.integrations.verifying()).singleElement().satisfies(verifying -> {
            assertThat(verifying.getStatus()).isEqualTo(IntegrationStatus.PENDING);
            assertThat(verifying.getVersion()).isEqualTo(2);
            assertThat(verifying.getProgress().getLatestCallbackRequestId()).isEqualTo("req-1");
            assertThat(verifying.getProgress().getLatestCallbackAt()).isEqualTo(create.getReceivedAt());
            assertThat(verifying.getProgress().getRoleVerification().getState())
                    .isEqualTo(RoleVerificationState.PENDING);
            assertThat(verifying.getProgress().getRoleVerification().getReason()).isNull();
            assertThat(verifying.getProgress().getRoleVerification().getUpdatedAt()).isEqualTo(fx.now());
            assertThat(IntegrationJson.of(verifying)).contains("\"roleVerification\":{\"state\":\"PENDING\"");
        });

        fx.advance(Duration.ofSeconds(2));
        fx.verify(fx.newVerificationRequests().get(0), TestData.denied());
        CfnResponse failed = fx.responses.readValue();
        Integration decided = fx.integrations.readValue();

        assertThat(failed.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(decided.getVersion()).isEqualTo(3);
        assertThat(decided.getProgress().getRoleVerification().getState()).isEqualTo(RoleVerificationState.FAILED);
        assertThat(decided.getProgress().getRoleVerification().getReason()).isEqualTo(failed.getReason())
                .contains("AccessDenied");
    }

    @Test
    void aRoleThatTrustsWithoutTheExternalIdShowsTheFailedVerificationWithItsCode() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        fx.answer(TestData.create(ext, "req-1", ACCOUNT, "s", fx.now()).setRoleVerification(RoleVerification
                .newBuilder().setOutcome(RoleVerificationOutcome.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID).setAttempts(3)
                .build()).build());

        Integration pending = fx.integrations.readValue();
        assertThat(pending.getProgress().getRoleVerification().getState()).isEqualTo(RoleVerificationState.FAILED);
        assertThat(pending.getProgress().getRoleVerification().getReason())
                .startsWith(CallbackDecider.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID);
    }

    @Test
    void aCreateRefusedBeforeItsRoleIsVerifiedShowsWhyAndCostsNoVerification() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);

        CfnResponse failed = fx.answer(TestData.create(ext, "req-1", ACCOUNT, "s", fx.now())
                .setRoleName("SomeoneElsesRole").build());

        Integration pending = fx.integrations.readValue();
        assertThat(fx.asked).isEmpty();
        assertThat(fx.integrations.verifying()).isEmpty();
        assertThat(pending.getProgress().getLatestCallbackRequestId()).isEqualTo("req-1");
        assertThat(pending.getProgress().getRoleVerification().getState()).isEqualTo(RoleVerificationState.FAILED);
        assertThat(pending.getProgress().getRoleVerification().getReason()).isEqualTo(failed.getReason())
                .startsWith(CallbackDecider.ROLE_NAME_MISMATCH);
    }

    @Test
    void aDeniedRoleShowsTheFailedVerificationWithItsReasonAndStaysRetryable() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        CfnResponse failed = fx.answer(TestData.create(ext, "req-1", ACCOUNT, "s", fx.now())
                .setRoleVerification(TestData.denied()).build());

        Integration pending = fx.integrations.readValue();
        assertThat(pending.getStatus()).isEqualTo(IntegrationStatus.PENDING);
        assertThat(pending.getProgress().getRoleVerification().getState()).isEqualTo(RoleVerificationState.FAILED);
        assertThat(pending.getProgress().getRoleVerification().getReason()).isEqualTo(failed.getReason())
                .contains("AccessDenied");

        fx.advance(Duration.ofSeconds(30));
        fx.answer(TestData.create(ext, "req-2", ACCOUNT, "s", fx.now()).build());
        Integration connected = fx.integrations.readValue();
        assertThat(connected.getProgress().getLatestCallbackRequestId()).isEqualTo("req-2");
        assertThat(connected.getProgress().getRoleVerification().getState())
                .isEqualTo(RoleVerificationState.VERIFIED);
    }

    @Test
    void anAccountAlreadyConnectedFailsAfterAVerifiedRole() {
        String extA = TestData.externalId();
        String extB = TestData.externalId();
        fx.pending("int-a", "tenant-a", extA);
        fx.answer(TestData.create(extA, "req-a", ACCOUNT, "first", fx.now()).build());
        fx.integrations.readValue();
        fx.pending("int-b", "tenant-a", extB);

        fx.answer(TestData.create(extB, "req-b", ACCOUNT, "second", fx.now()).build());
        Integration refused = fx.integrations.readValue();

        assertThat(refused.getIntegrationId()).isEqualTo("int-b");
        assertThat(refused.getLastFailureReason()).contains("already connected to this workspace");
        assertThat(refused.getProgress().getLatestCallbackRequestId()).isEqualTo("req-b");
        assertThat(refused.getProgress().getRoleVerification().getState()).isEqualTo(RoleVerificationState.VERIFIED);
    }

    @Test
    void aDeleteShowsItsArrivalAndNeedsNoVerification() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        fx.answer(TestData.create(ext, "req-1", ACCOUNT, "s", fx.now()).build());
        fx.integrations.readValue();

        fx.answer(TestData.delete(ext, "req-2", ACCOUNT, "s", "int-1", fx.now()).build());
        Integration disconnected = fx.integrations.readValue();

        assertThat(disconnected.getStatus()).isEqualTo(IntegrationStatus.DISCONNECTED);
        assertThat(disconnected.getProgress().getLatestCallbackType()).isEqualTo(RequestType.DELETE);
        assertThat(disconnected.getProgress().getRoleVerification()).isNull();
    }
}
