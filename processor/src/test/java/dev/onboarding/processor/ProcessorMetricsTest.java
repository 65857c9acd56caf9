package dev.onboarding.processor;

import static dev.onboarding.processor.TestData.ACCOUNT;
import static dev.onboarding.processor.TestData.OTHER_ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.processor.ledger.CallbackDecider;
import dev.onboarding.processor.ledger.ExternalIdLedger;
import dev.onboarding.processor.ledger.PendingIntegrations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the processor counts ({@link ProcessorMetrics}), driven through the real topology. */
class ProcessorMetricsTest {
    private TopologyFixture fx;

    @BeforeEach
    void start() {
        fx = new TopologyFixture();
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void aConnectingCreateCountsItsDecisionVerificationClaimAndTheIntegrationsStatus() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        assertThat(integrations("PENDING")).isEqualTo(1);

        assertThat(fx.answer(create(ext, "req-1", ACCOUNT)).getStatus()).isEqualTo(ResponseStatus.SUCCESS);

        assertThat(count("processor.decisions", "type", "CREATE", "outcome", "SUCCESS", "reason", "connected"))
                .isEqualTo(1);
        assertThat(count("processor.role.verifications.requested")).isEqualTo(1);
        assertThat(count("processor.role.verification.results", "outcome", "VERIFIED")).isEqualTo(1);
        assertThat(count("processor.account.claims", "outcome", "granted")).isEqualTo(1);
        assertThat(integrations("PENDING")).isZero();
        assertThat(integrations("CONNECTED")).isEqualTo(1);

        // The connected stack's Delete disconnects and gives the account back.
        fx.answer(TestData.delete(ext, "req-2", ACCOUNT, "s", "int-1", fx.now()).build());
        assertThat(count("processor.decisions", "type", "DELETE", "outcome", "SUCCESS", "reason", "disconnected"))
                .isEqualTo(1);
        assertThat(count("processor.account.releases")).isEqualTo(1);
        assertThat(integrations("CONNECTED")).isZero();
        assertThat(integrations("DISCONNECTED")).isEqualTo(1);
    }

    @Test
    void aCreateThatOvertookItsRequestIsCountedInTheGraceUntilItsRequestComes() {
        String ext = TestData.externalId();
        fx.callback(create(ext, "req-1", ACCOUNT));
        fx.advance(Duration.ofSeconds(1));
        assertThat(count("processor.callbacks.held")).isEqualTo(1);
        assertThat(gauge("processor.callbacks.in.grace")).isEqualTo(1);

        fx.request(TestData.requested("int-1", "tenant-a", ext, fx.now(), Duration.ofHours(24)));
        fx.advance(Duration.ofSeconds(1));
        assertThat(gauge("processor.callbacks.in.grace")).isZero();
        assertThat(count("processor.decisions", "type", "CREATE", "outcome", "SUCCESS", "reason", "connected"))
                .isEqualTo(1);

        // One whose request never comes leaves the grace FAILED.
        fx.callback(create(TestData.externalId(), "req-2", ACCOUNT));
        fx.advance(Duration.ofSeconds(31));
        assertThat(gauge("processor.callbacks.in.grace")).isZero();
        assertThat(count("processor.decisions", "type", "CREATE", "outcome", "FAILED", "reason",
                "unknown_external_id")).isEqualTo(1);
    }

    @Test
    void failedCreatesCountTheirReasonAndRoleOutcome() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        fx.answer(TestData.create(ext, "req-1", ACCOUNT, "s", fx.now()).setRoleVerification(TestData.denied()).build());
        fx.answer(TestData.create(ext, "req-2", "12345", "s", fx.now()).build());
        fx.answer(create(ext, "req-3", ACCOUNT));
        String second = TestData.externalId();
        fx.pending("int-2", "tenant-a", second);
        fx.answer(create(second, "req-4", ACCOUNT));
        fx.answer(create(ext, "req-5", OTHER_ACCOUNT));

        assertThat(count("processor.decisions", "type", "CREATE", "outcome", "FAILED", "reason", "role_not_verified"))
                .isEqualTo(1);
        assertThat(count("processor.role.verification.results", "outcome", "DENIED")).isEqualTo(1);
        assertThat(count("processor.decisions", "type", "CREATE", "outcome", "FAILED", "reason", "account_malformed"))
                .isEqualTo(1);
        assertThat(count("processor.decisions", "type", "CREATE", "outcome", "FAILED", "reason",
                "account_already_connected")).isEqualTo(1);
        assertThat(count("processor.account.claims", "outcome", "denied")).isEqualTo(1);
        assertThat(count("processor.decisions", "type", "CREATE", "outcome", "FAILED", "reason",
                "external_id_already_connected")).isEqualTo(1);
        assertThat(reasons()).doesNotContain(ProcessorMetrics.OTHER);
    }

    @Test
    void verificationsAreCountedWhereTheyAreAskedForAndWhereTheirResultsAreJoined() {
        fx.verifyByHand();
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        fx.callback(create(ext, "req-1", ACCOUNT));
        fx.callback(TestData.create(ext, "req-2", ACCOUNT, "s", fx.now()).setRoleName("OtherRole").build());

        // Asked for the first only (the second names another role); nothing joined yet.
        assertThat(count("processor.role.verifications.requested")).isEqualTo(1);
        assertThat(count("processor.decisions", "type", "CREATE", "outcome", "FAILED", "reason",
                "role_name_mismatch")).isEqualTo(1);
        assertThat(fx.meters.find("processor.role.verification.results").counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());

        fx.verify(fx.newVerificationRequests().get(0), RoleVerification.newBuilder()
                .setOutcome(RoleVerificationOutcome.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID).setAttempts(3).build());
        assertThat(count("processor.role.verification.results", "outcome", "ROLE_TRUSTS_WITHOUT_EXTERNAL_ID"))
                .isEqualTo(1);
        assertThat(count("processor.decisions", "type", "CREATE", "outcome", "FAILED", "reason",
                "role_trusts_without_external_id")).isEqualTo(1);

        // More Creates than may be verified at once: the ones beyond are refused busy; a wait without a result
        // counts as ERROR.
        for (int i = 3; i <= 6; i++) {
            fx.callback(create(ext, "req-" + i, ACCOUNT));
        }
        int admitted = fx.config.maxVerificationsPerIntegration();
        assertThat(count("processor.role.verifications.requested")).isEqualTo(1 + admitted);
        assertThat(count("processor.decisions", "type", "CREATE", "outcome", "FAILED", "reason",
                "verification_busy")).isEqualTo(4 - admitted);
        fx.advance(fx.config.verificationTimeout().plusSeconds(2));
        assertThat(count("processor.role.verification.results", "outcome", "ERROR")).isEqualTo(admitted);
        assertThat(reasons()).doesNotContain(ProcessorMetrics.OTHER);
    }

    @Test
    void deadLettersAreCountedBySourceAndReason() {
        fx.close();
        fx = new TopologyFixture(false);
        fx.request(TestData.requested("int-1", "tenant-a", "bad id with spaces", fx.now(), Duration.ofHours(1)));
        fx.rawCallbacks.pipeInput("k".getBytes(StandardCharsets.UTF_8), "not avro".getBytes(StandardCharsets.UTF_8));
        fx.rawCallbacks.pipeInput("k".getBytes(StandardCharsets.UTF_8), (byte[]) null);

        String requests = fx.catalog.integrationRequests().name();
        String callbacks = fx.catalog.cfnCallbacks().name();
        assertThat(count("processor.dead.letters", "source", requests, "reason", PendingIntegrations.MALFORMED))
                .isEqualTo(1);
        assertThat(count("processor.dead.letters", "source", callbacks, "reason", DeadLetters.UNREADABLE))
                .isEqualTo(1);
        assertThat(count("processor.dead.letters", "source", callbacks, "reason", DeadLetters.EMPTY_VALUE))
                .isEqualTo(1);
    }

    @Test
    void aClosedTaskTakesItsGaugesWithIt() {
        fx.pending("int-1", "tenant-a", TestData.externalId());
        assertThat(integrations("PENDING")).isEqualTo(1);

        TopologyFixture closed = fx;
        fx = new TopologyFixture();
        closed.close();

        assertThat(closed.meters.get("processor.integrations").tag("status", "PENDING").gauge().value()).isZero();
    }

    @Test
    void everyReasonTheDeciderWritesHasACode() {
        assertThat(ProcessorMetrics.reasonOf(CallbackDecider.accountAlreadyConnected(ACCOUNT)))
                .isEqualTo("account_already_connected");
        assertThat(ProcessorMetrics.reasonOf(CallbackDecider.UNKNOWN_EXTERNAL_ID)).isEqualTo("unknown_external_id");
        assertThat(ProcessorMetrics.reasonOf(CallbackDecider.EXTERNAL_ID_CHANGED)).isEqualTo("external_id_changed");
        assertThat(ProcessorMetrics.reasonOf(ExternalIdLedger.VERIFICATION_BUSY)).isEqualTo("verification_busy");
        assertThat(ProcessorMetrics.reasonOf("something new")).isEqualTo(ProcessorMetrics.OTHER);
    }

    private CfnCallback create(String externalId, String requestId, String account) {
        return TestData.create(externalId, requestId, account, "s", fx.now()).build();
    }

    private double count(String name, String... tags) {
        Counter counter = fx.meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    private double gauge(String name) {
        return fx.meters.get(name).gauge().value();
    }

    private double integrations(String status) {
        return fx.meters.get("processor.integrations").tag("status", status).gauge().value();
    }

    private List<String> reasons() {
        MeterRegistry registry = fx.meters;
        return registry.find("processor.decisions").counters().stream().map(Meter::getId)
                .map(id -> id.getTag("reason")).toList();
    }
}
