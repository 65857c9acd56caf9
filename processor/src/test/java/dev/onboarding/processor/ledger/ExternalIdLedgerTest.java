package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TestData.ACCOUNT;
import static dev.onboarding.processor.TopologyNames.ANSWERS;
import static dev.onboarding.processor.TopologyNames.CLAIMS;
import static dev.onboarding.processor.TopologyNames.HELD_CALLBACKS_STORE;
import static dev.onboarding.processor.TopologyNames.INTEGRATIONS_BY_EXTERNAL_ID_STORE;
import static dev.onboarding.processor.TopologyNames.PENDING_EXPIRY_STORE;
import static dev.onboarding.processor.TopologyNames.REFUSED_REQUESTS;
import static dev.onboarding.processor.TopologyNames.REJECTED_CALLBACKS;
import static dev.onboarding.processor.TopologyNames.REQUESTS_STORE;
import static dev.onboarding.processor.TopologyNames.STATES;
import static dev.onboarding.processor.TopologyNames.VERIFICATION_REQUESTS;
import static dev.onboarding.processor.TopologyNames.VERIFYING_CALLBACKS_STORE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.KafkaSource;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.contract.RoleCheckKind;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.contract.RoleVerificationState;
import dev.onboarding.processor.DeadLetters;
import dev.onboarding.processor.MockTask;
import dev.onboarding.processor.TestData;
import dev.onboarding.processor.claims.ClaimInTransit;
import dev.onboarding.processor.claims.ClaimKind;
import dev.onboarding.schemas.verification.RoleVerificationResults;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The external-ID ledger alone: requests, callbacks and the wall clock in, named children out. */
class ExternalIdLedgerTest {
    private final MockTask task = new MockTask(INTEGRATIONS_BY_EXTERNAL_ID_STORE, REQUESTS_STORE, HELD_CALLBACKS_STORE,
            PENDING_EXPIRY_STORE, VERIFYING_CALLBACKS_STORE);
    private final ExternalIdLedger ledger = new ExternalIdLedger(task.config, task.catalog, task.serdes.callbacks());
    private final String ext = TestData.externalId();

    @BeforeEach
    void init() {
        ledger.init(task.context);
    }

    @AfterEach
    void close() {
        task.close();
    }

    private void request(IntegrationRequestEvent event) {
        ledger.process(task.record(PendingIntegrations.externalIdOf(event), new ExternalIdInput.Request(event)));
    }

    private void pending() {
        request(TestData.requested("int-1", "tenant-a", ext, task.now(), Duration.ofHours(24)));
        task.context.resetForwards();
    }

    private void callback(CfnCallback callback) {
        ledger.process(task.record(callback.getExternalId(), new ExternalIdInput.Callback(callback)));
    }

    /** The verifier answers the last request the ledger sent it. */
    private RoleVerificationRequest verify(RoleVerificationOutcome outcome) {
        List<Record<String, RoleVerificationRequest>> asked = task.forwarded(VERIFICATION_REQUESTS);
        assertThat(asked).isNotEmpty();
        RoleVerificationRequest request = asked.get(asked.size() - 1).value();
        task.context.resetForwards();
        ledger.process(task.record(request.getExternalId(), new ExternalIdInput.Verified(result(request, outcome))));
        return request;
    }

    private static RoleVerificationResult result(RoleVerificationRequest request, RoleVerificationOutcome outcome) {
        return RoleVerificationResults.answering(request, verification(outcome));
    }

    private static RoleVerification verification(RoleVerificationOutcome outcome) {
        return RoleVerification.newBuilder().setOutcome(outcome).setAttempts(3).build();
    }

    /** {@code create} as it travels with its claim: with the verifier's result on its role. */
    private static CfnCallback verified(CfnCallback create) {
        return CfnCallback.newBuilder(create).setRoleVerification(verification(RoleVerificationOutcome.VERIFIED))
                .build();
    }

    private CfnCallback travelling(ClaimInTransit claim) {
        return task.serdes.callbacks().deserializer().deserialize("t", Ledger.bytesOf(claim.getWaitingCreate()));
    }

    private CfnResponse answer(byte[] bytes) {
        return task.catalog.cfnResponses().valueSerde().deserializer().deserialize("t", bytes);
    }

    private Integration state(byte[] bytes) {
        return task.catalog.integrations().valueSerde().deserializer().deserialize("t", bytes);
    }

    @Test
    void aRequestRegistersAPendingIntegrationAndPublishesIt() {
        request(TestData.requested("int-1", "tenant-a", ext, task.now(), Duration.ofHours(24)));

        assertThat(task.<byte[]>forwarded(STATES)).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("int-1");
            assertThat(state(r.value()).getStatus()).isEqualTo(IntegrationStatus.PENDING);
        });
        assertThat(task.store(INTEGRATIONS_BY_EXTERNAL_ID_STORE).get(ext)).isNotNull();
        assertThat(task.<String>store(PENDING_EXPIRY_STORE).approximateNumEntries()).isEqualTo(1);
        assertThat(task.forwarded(ANSWERS)).isEmpty();
    }

    @Test
    void aCreateForAPendingIntegrationIsVerifiedThenClaimsItsAccountAndTravelsWithTheClaim() {
        pending();
        CfnCallback create = TestData.create(ext, "req-1", ACCOUNT, "s", task.now()).build();

        callback(create);

        assertThat(task.<RoleVerificationRequest>forwarded(VERIFICATION_REQUESTS)).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(ext);
            assertThat(r.value().getVerificationId()).isEqualTo("req-1");
            assertThat(r.value().getRequestId()).isEqualTo("req-1");
            assertThat(r.value().getChecks()).isEqualTo(RoleCheckKind.FULL);
            assertThat(r.value().getIntegrationId()).isEqualTo("int-1");
            assertThat(r.value().getTenantId()).isEqualTo("tenant-a");
            assertThat(r.value().getExternalId()).isEqualTo(ext);
            assertThat(r.value().getAccountId()).isEqualTo(ACCOUNT);
            assertThat(r.value().getRoleArn()).isEqualTo(create.getRoleArn());
            assertThat(r.value().getDeadline()).isEqualTo(task.now().plus(task.config.verificationTimeout()));
        });
        assertThat(task.forwarded(CLAIMS)).isEmpty();
        assertThat(task.forwarded(ANSWERS)).isEmpty();
        // Whoever waits on the integration sees the role being verified, on a version of its own.
        assertThat(task.<byte[]>forwarded(STATES)).singleElement().satisfies(r -> {
            Integration verifying = state(r.value());
            assertThat(verifying.getStatus()).isEqualTo(IntegrationStatus.PENDING);
            assertThat(verifying.getVersion()).isEqualTo(2);
            assertThat(verifying.getProgress().getLatestCallbackRequestId()).isEqualTo("req-1");
            assertThat(verifying.getProgress().getRoleVerification().getState())
                    .isEqualTo(RoleVerificationState.PENDING);
        });
        // A redelivery while the verifier works asks nothing more.
        callback(create);
        assertThat(task.context.forwarded()).hasSize(2);

        verify(RoleVerificationOutcome.VERIFIED);

        assertThat(task.<ClaimInTransit>forwarded(CLAIMS)).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("tenant-a|" + ACCOUNT);
            assertThat(r.value().getKind()).isEqualTo(ClaimKind.CLAIM);
            assertThat(r.value().getIntegrationId()).isEqualTo("int-1");
            assertThat(r.value().getRequestId()).isEqualTo("req-1");
            assertThat(travelling(r.value())).isEqualTo(verified(create));
        });
        assertThat(task.forwarded(ANSWERS)).isEmpty();
        assertThat(task.forwarded(STATES)).isEmpty();
    }

    @Test
    void aCallbackThatOvertookItsRequestIsHeldAndDecidedWhenItArrives() {
        CfnCallback create = TestData.create(ext, "req-1", ACCOUNT, "s", task.now()).build();
        callback(create);
        callback(create);
        assertThat(task.context.forwarded()).isEmpty();

        request(TestData.requested("int-1", "tenant-a", ext, task.now(), Duration.ofHours(24)));

        // The pending integration, then its version showing the role being verified.
        assertThat(task.<byte[]>forwarded(STATES)).extracting(r -> state(r.value()).getProgress() == null
                ? null : state(r.value()).getProgress().getRoleVerification().getState())
                .containsExactly(null, RoleVerificationState.PENDING);
        // Verified once its request has come: the ownership check needed it.
        assertThat(task.<RoleVerificationRequest>forwarded(VERIFICATION_REQUESTS)).singleElement()
                .satisfies(r -> assertThat(r.value().getRequestId()).isEqualTo("req-1"));
        verify(RoleVerificationOutcome.VERIFIED);
        assertThat(task.<ClaimInTransit>forwarded(CLAIMS)).singleElement().satisfies(r -> assertThat(
                travelling(r.value())).isEqualTo(verified(create)));
        assertThat(task.store(HELD_CALLBACKS_STORE).approximateNumEntries()).isZero();
    }

    @Test
    void aHeldCallbackIsAnsweredFailedWhenItsGraceIsOverAndItsAnswerIsKept() {
        CfnCallback create = TestData.create(ext, "req-1", ACCOUNT, "s", task.now()).build();
        callback(create);

        task.advance(Duration.ofSeconds(29), task.config.punctuationInterval());
        assertThat(task.forwarded(ANSWERS)).isEmpty();
        task.advance(Duration.ofSeconds(2), task.config.punctuationInterval());

        List<Record<String, byte[]>> answers = task.forwarded(ANSWERS);
        assertThat(answers).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("req-1");
            assertThat(answer(r.value()).getStatus()).isEqualTo(ResponseStatus.FAILED);
            assertThat(answer(r.value()).getReason()).isEqualTo(CallbackDecider.UNKNOWN_EXTERNAL_ID);
        });
        assertThat(task.store(HELD_CALLBACKS_STORE).approximateNumEntries()).isZero();
        assertThat(task.store(REQUESTS_STORE).get("req-1")).isNotNull();
    }

    @Test
    void aCreateForAnUnknownExternalIdIsNeverVerified() {
        CfnCallback create = TestData.create(ext, "req-1", ACCOUNT, "s", task.now()).build();
        callback(create);
        task.advance(Duration.ofSeconds(31), task.config.punctuationInterval());

        assertThat(answer(task.<byte[]>forwarded(ANSWERS).get(0).value()).getReason())
                .isEqualTo(CallbackDecider.UNKNOWN_EXTERNAL_ID);
        assertThat(task.forwarded(VERIFICATION_REQUESTS)).isEmpty();
    }

    @Test
    void aRoleThatTrustsWithoutTheExternalIdFailsTheCreateAndKeepsTheIntegrationPending() {
        pending();
        callback(TestData.create(ext, "req-1", ACCOUNT, "s", task.now()).build());

        verify(RoleVerificationOutcome.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID);

        CfnResponse failed = answer(task.<byte[]>forwarded(ANSWERS).get(0).value());
        assertThat(failed.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(failed.getReason()).startsWith(CallbackDecider.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID);
        assertThat(state(task.<byte[]>forwarded(STATES).get(0).value())).satisfies(i -> {
            assertThat(i.getStatus()).isEqualTo(IntegrationStatus.PENDING);
            assertThat(i.getLastFailureReason()).startsWith(CallbackDecider.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID);
        });
        assertThat(task.forwarded(CLAIMS)).isEmpty();
        assertThat(task.store(VERIFYING_CALLBACKS_STORE).approximateNumEntries()).isZero();
    }

    @Test
    void aResultNobodyWaitsForOrForAnotherRoleChangesNothing() {
        pending();
        callback(TestData.create(ext, "req-1", ACCOUNT, "s", task.now()).build());
        RoleVerificationRequest asked = task.<RoleVerificationRequest>forwarded(VERIFICATION_REQUESTS).get(0).value();
        task.context.resetForwards();

        RoleVerificationRequest otherRole = RoleVerificationRequest.newBuilder(asked)
                .setRoleArn(TestData.roleArn(ACCOUNT, "SomethingElse")).build();
        ledger.process(task.record(ext, new ExternalIdInput.Verified(result(otherRole,
                RoleVerificationOutcome.VERIFIED))));
        RoleVerificationRequest nobody = RoleVerificationRequest.newBuilder(asked).setRequestId("req-x")
                .setVerificationId("req-x").build();
        ledger.process(task.record(ext, new ExternalIdInput.Verified(result(nobody,
                RoleVerificationOutcome.VERIFIED))));
        assertThat(task.context.forwarded()).isEmpty();

        ledger.process(task.record(ext, new ExternalIdInput.Verified(result(asked, RoleVerificationOutcome.VERIFIED))));
        assertThat(task.forwarded(CLAIMS)).hasSize(1);
        task.context.resetForwards();
        // The same result again (redelivered): the first one decided.
        ledger.process(task.record(ext, new ExternalIdInput.Verified(result(asked, RoleVerificationOutcome.DENIED))));
        assertThat(task.context.forwarded()).isEmpty();
    }

    @Test
    void aCopyVerifiedAgainWhileTheFirstWasDecidedGetsTheFirstAnswerNotASecondDecision() {
        pending();
        CfnCallback create = TestData.create(ext, "req-1", ACCOUNT, "s", task.now()).build();
        callback(create);
        verify(RoleVerificationOutcome.VERIFIED);
        assertThat(task.forwarded(CLAIMS)).hasSize(1);
        task.context.resetForwards();
        // A redelivered copy while the claim travels: verified again.
        callback(create);
        assertThat(task.forwarded(VERIFICATION_REQUESTS)).hasSize(1);
        // Meanwhile the first copy's claim came back and decided the request.
        byte[] first = task.catalog.cfnResponses().valueSerde().serializer().serialize("t",
                CallbackAnswers.success(create, "int-1", java.util.Map.of(), "int-1", task.now()));
        task.<DecidedAnswer>store(REQUESTS_STORE).put("req-1", new DecidedAnswer(task.now(),
                java.nio.ByteBuffer.wrap(first)));

        verify(RoleVerificationOutcome.VERIFIED);

        assertThat(task.<byte[]>forwarded(ANSWERS)).singleElement().satisfies(r -> assertThat(r.value())
                .isEqualTo(first));
        assertThat(task.forwarded(CLAIMS)).isEmpty();
        assertThat(task.forwarded(STATES)).isEmpty();
    }

    @Test
    void aVerificationWithoutResultIsAnsweredFailedWhenItsWaitIsOver() {
        pending();
        callback(TestData.create(ext, "req-1", ACCOUNT, "s", task.now()).build());
        task.context.resetForwards();

        task.advance(task.config.verificationTimeout().plusSeconds(2), task.config.punctuationInterval());

        CfnResponse failed = answer(task.<byte[]>forwarded(ANSWERS).get(0).value());
        assertThat(failed.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(failed.getReason()).contains("VerificationTimeout");
        assertThat(task.store(VERIFYING_CALLBACKS_STORE).approximateNumEntries()).isZero();
    }

    @Test
    void anIntegrationHasABoundedNumberOfVerificationsInFlight() {
        pending();
        for (int i = 1; i <= 5; i++) {
            callback(TestData.create(ext, "req-" + i, TestData.OTHER_ACCOUNT, "s" + i, task.now()).build());
        }

        assertThat(task.forwarded(VERIFICATION_REQUESTS)).hasSize(task.config.maxVerificationsPerIntegration());
        List<Record<String, byte[]>> refused = task.forwarded(ANSWERS);
        assertThat(refused).hasSize(5 - task.config.maxVerificationsPerIntegration())
                .allSatisfy(r -> assertThat(answer(r.value()).getReason())
                        .isEqualTo(ExternalIdLedger.VERIFICATION_BUSY));
        // Refusing a flood changes nothing on the integration: only the admitted ones show their verification.
        assertThat(task.<byte[]>forwarded(STATES)).extracting(r -> state(r.value()).getProgress()
                .getLatestCallbackRequestId()).containsExactly("req-1", "req-2");
    }

    @Test
    void aDecidedRequestIsAnsweredAgainByteForByte() {
        CfnCallback delete = TestData.delete(ext, "req-d", ACCOUNT, "s", "int-x", task.now()).build();
        callback(delete);
        byte[] first = task.<byte[]>forwarded(ANSWERS).get(0).value();
        assertThat(answer(first).getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        task.context.resetForwards();

        task.advance(Duration.ofMinutes(5), Duration.ofDays(365));
        callback(delete);

        assertThat(task.<byte[]>forwarded(ANSWERS)).singleElement().satisfies(r -> assertThat(r.value())
                .isEqualTo(first));
    }

    @Test
    void decidedRequestsAreForgottenAfterTheRetention() {
        callback(TestData.delete(ext, "req-d", ACCOUNT, "s", "int-x", task.now()).build());
        Duration sweep = task.config.decidedCleanupInterval();

        task.advance(Duration.ofDays(14), sweep);
        assertThat(task.store(REQUESTS_STORE).get("req-d")).isNotNull();
        task.advance(Duration.ofDays(1).plusHours(2), sweep);
        assertThat(task.store(REQUESTS_STORE).get("req-d")).isNull();
    }

    @Test
    void aCallbackWithoutAValueIsDeadLettered() {
        task.context.setRecordMetadata(task.catalog.cfnCallbacks().name(), 3, 77);

        ledger.process(task.record(ext, null));

        assertThat(task.<DeadLetter>forwarded(REJECTED_CALLBACKS)).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(ext);
            assertThat(r.value().getReasonCode()).isEqualTo(DeadLetters.EMPTY_VALUE);
            KafkaSource source = (KafkaSource) r.value().getSource();
            assertThat(source.getTopic()).isEqualTo(task.catalog.cfnCallbacks().name());
            assertThat(source.getOffset()).isEqualTo(77);
        });
    }

    @Test
    void aRequestForAnExternalIdOfAnotherIntegrationIsRefusedWithItsSource() {
        pending();
        IntegrationRequestEvent thief = TestData.requested("int-thief", "tenant-b", ext, task.now(),
                Duration.ofHours(24));
        RecordHeaders headers = new RecordHeaders();
        DeadLetters.stampSource(headers, 4, 12);

        ledger.process(new Record<>(ext, new ExternalIdInput.Request(thief), task.now().toEpochMilli(), headers));

        assertThat(task.<DeadLetter>forwarded(REFUSED_REQUESTS)).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("int-thief");
            assertThat(r.value().getReasonCode()).isEqualTo(PendingIntegrations.EXTERNAL_ID_IN_USE);
            KafkaSource source = (KafkaSource) r.value().getSource();
            assertThat(source.getTopic()).isEqualTo(task.catalog.integrationRequests().name());
            assertThat(source.getPartition()).isEqualTo(4);
            assertThat(source.getOffset()).isEqualTo(12);
        });
        assertThat(task.forwarded(STATES)).isEmpty();
    }
}
