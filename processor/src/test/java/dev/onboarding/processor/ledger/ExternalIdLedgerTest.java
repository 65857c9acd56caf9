package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TestData.ACCOUNT;
import static dev.onboarding.processor.TopologyNames.ANSWERS;
import static dev.onboarding.processor.TopologyNames.CLAIMS;
import static dev.onboarding.processor.TopologyNames.DECIDED_REQUESTS_BY_TIME_STORE;
import static dev.onboarding.processor.TopologyNames.DECIDED_REQUEST_DIGESTS_STORE;
import static dev.onboarding.processor.TopologyNames.HELD_CALLBACKS_BY_TIME_STORE;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The external-ID ledger alone: requests, callbacks and the wall clock in, named children out. */
class ExternalIdLedgerTest {
    private final MockTask task = new MockTask(INTEGRATIONS_BY_EXTERNAL_ID_STORE, REQUESTS_STORE, HELD_CALLBACKS_STORE,
            PENDING_EXPIRY_STORE, VERIFYING_CALLBACKS_STORE, DECIDED_REQUEST_DIGESTS_STORE,
            DECIDED_REQUESTS_BY_TIME_STORE, HELD_CALLBACKS_BY_TIME_STORE);
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
        // A Delete that matches no integration: its whole answer goes after the answer retention (an hour), its
        // RequestId's digest with the status and reason code stays for the retention (issue #19).
        CfnCallback delete = TestData.delete(ext, "req-d", ACCOUNT, "s", "int-x", task.now()).build();
        callback(delete);
        byte[] first = task.<byte[]>forwarded(ANSWERS).get(0).value();
        Duration sweep = task.config.decidedCleanupInterval();

        task.advance(Duration.ofDays(14), sweep);
        assertThat(task.store(REQUESTS_STORE).get("req-d")).isNull();
        assertThat(task.store(DECIDED_REQUEST_DIGESTS_STORE).get(RequestDigests.of("req-d"))).isNotNull();
        task.context.resetForwards();
        callback(delete);
        assertThat(task.<byte[]>forwarded(ANSWERS)).singleElement().satisfies(r -> assertThat(r.value())
                .isEqualTo(first));

        task.advance(Duration.ofDays(1).plusHours(2), sweep);
        assertThat(task.store(DECIDED_REQUEST_DIGESTS_STORE).get(RequestDigests.of("req-d"))).isNull();
        assertThat(keys(DECIDED_REQUESTS_BY_TIME_STORE)).isSubsetOf(DecidedRequests.EARLIER_ANSWERS_INDEXED);
    }

    @Test
    void anAnswerThatNamesAnIntegrationIsKeptWholeForTheRetention() {
        pending();
        callback(TestData.create(ext, "req-1", ACCOUNT, "s", task.now()).build());
        verify(RoleVerificationOutcome.DENIED);
        byte[] first = task.<byte[]>forwarded(ANSWERS).get(0).value();
        // A later attempt takes req-1's place beside the state: req-1's answer moves to the requests store, whole.
        callback(TestData.create(ext, "req-2", ACCOUNT, "s", task.now()).build());
        verify(RoleVerificationOutcome.DENIED);
        Duration sweep = task.config.decidedCleanupInterval();

        task.advance(Duration.ofDays(14), sweep);
        assertThat(task.store(REQUESTS_STORE).get("req-1")).isNotNull();
        task.context.resetForwards();
        callback(TestData.create(ext, "req-1", ACCOUNT, "s", task.now()).setRoleVerification(TestData.denied())
                .build());
        assertThat(task.<byte[]>forwarded(ANSWERS)).singleElement().satisfies(r -> assertThat(r.value())
                .isEqualTo(first));
        task.advance(Duration.ofDays(1).plusHours(2), sweep);
        assertThat(task.store(REQUESTS_STORE).get("req-1")).isNull();
    }

    @Test
    void aForgedDeleteIsAnsweredTheSameByteForByteBeforeAndAfterItsAnswerIsDropped() {
        CfnCallback delete = TestData.delete(ext, "req-d", ACCOUNT, "s", "int-x", task.now()).build();
        callback(delete);
        byte[] first = task.<byte[]>forwarded(ANSWERS).get(0).value();
        Duration sweep = task.config.decidedCleanupInterval();

        task.advance(Duration.ofMinutes(59), sweep);
        assertThat(task.store(REQUESTS_STORE).get("req-d")).isNotNull();
        task.advance(Duration.ofHours(1), sweep);
        assertThat(task.store(REQUESTS_STORE).get("req-d")).isNull();
        task.context.resetForwards();

        // SQS delivers the same message again: same ResponseURL, StackId, LogicalResourceId and sent time.
        callback(delete);

        assertThat(task.<byte[]>forwarded(ANSWERS)).singleElement().satisfies(r -> assertThat(r.value())
                .isEqualTo(first));
        assertThat(task.store(REQUESTS_STORE).get("req-d")).isNull();
    }

    @Test
    void aCallbackOfAnotherTypeUnderARememberedRequestIdIsNotAnsweredWithTheRememberedStatus() {
        callback(TestData.delete(ext, "req-d", ACCOUNT, "s", "int-x", task.now()).build());
        task.advance(Duration.ofHours(2), task.config.decidedCleanupInterval());
        task.context.resetForwards();

        // A Create forged under the Delete's RequestId: decided for what it is (held: its external ID is unknown).
        callback(TestData.create(ext, "req-d", ACCOUNT, "s", task.now()).build());

        assertThat(task.forwarded(ANSWERS)).isEmpty();
        assertThat(task.store(HELD_CALLBACKS_STORE).approximateNumEntries()).isOne();
    }

    @Test
    void heldCallbacksPastTheBoundAreDecidedOldestFirstNeverDropped() {
        try (MockTask small = new MockTask(Map.of("processor.held-callbacks.max-per-partition", "3"),
                INTEGRATIONS_BY_EXTERNAL_ID_STORE, REQUESTS_STORE, HELD_CALLBACKS_STORE, PENDING_EXPIRY_STORE,
                VERIFYING_CALLBACKS_STORE, DECIDED_REQUEST_DIGESTS_STORE, DECIDED_REQUESTS_BY_TIME_STORE,
                HELD_CALLBACKS_BY_TIME_STORE)) {
            ExternalIdLedger bounded = new ExternalIdLedger(small.config, small.catalog, small.serdes.callbacks());
            bounded.init(small.context);
            List<String> exts = new ArrayList<>();
            for (int n = 0; n < 5; n++) {
                exts.add(TestData.externalId());
                bounded.process(small.record(exts.get(n), new ExternalIdInput.Callback(TestData.create(exts.get(n),
                        "req-" + n, ACCOUNT, "s", small.now()).build())));
                small.advance(Duration.ofSeconds(1), Duration.ofDays(365));
            }

            // The two oldest were answered at once: FAILED, unknown external ID.
            assertThat(small.<byte[]>forwarded(ANSWERS)).extracting(Record::key).containsExactly("req-0", "req-1");
            assertThat(small.<byte[]>forwarded(ANSWERS)).allSatisfy(r -> assertThat(small.catalog.cfnResponses()
                    .valueSerde().deserializer().deserialize("t", r.value()).getReason())
                    .isEqualTo(CallbackDecider.UNKNOWN_EXTERNAL_ID));
            assertThat(small.storedKeys(HELD_CALLBACKS_STORE)).isEqualTo(3);
            assertThat(small.storedKeys(HELD_CALLBACKS_BY_TIME_STORE)).isEqualTo(3);

            // The others still wait for their request; one arrives.
            bounded.process(small.record(exts.get(4), new ExternalIdInput.Request(TestData.requested("int-4",
                    "tenant-a", exts.get(4), small.now(), Duration.ofHours(24)))));
            // Its held Create goes on to the verifier (issue #18: ownership first, then the role).
            assertThat(small.<RoleVerificationRequest>forwarded(VERIFICATION_REQUESTS)).singleElement()
                    .satisfies(r -> assertThat(r.value().getRequestId()).isEqualTo("req-4"));
            assertThat(small.storedKeys(HELD_CALLBACKS_STORE)).isEqualTo(2);
            assertThat(small.storedKeys(HELD_CALLBACKS_BY_TIME_STORE)).isEqualTo(2);
        }
    }

    @Test
    void heldCallbacksPastTheByteBoundAreDecided() {
        try (MockTask small = new MockTask(Map.of("processor.held-callbacks.max-bytes-per-partition", "65536"),
                INTEGRATIONS_BY_EXTERNAL_ID_STORE, REQUESTS_STORE, HELD_CALLBACKS_STORE, PENDING_EXPIRY_STORE,
                VERIFYING_CALLBACKS_STORE, DECIDED_REQUEST_DIGESTS_STORE, DECIDED_REQUESTS_BY_TIME_STORE,
                HELD_CALLBACKS_BY_TIME_STORE)) {
            ExternalIdLedger bounded = new ExternalIdLedger(small.config, small.catalog, small.serdes.callbacks());
            bounded.init(small.context);
            for (int n = 0; n < 40; n++) {
                String other = TestData.externalId();
                bounded.process(small.record(other, new ExternalIdInput.Callback(TestData.create(other, "req-" + n,
                        ACCOUNT, "s", small.now()).setResponseUrl(longUrl("req-" + n)).build())));
            }

            long held = small.storedKeys(HELD_CALLBACKS_STORE);
            assertThat(held).isLessThan(40);
            assertThat(small.storedBytes(HELD_CALLBACKS_STORE)).isLessThanOrEqualTo(65536 + held * 64);
            assertThat(small.<byte[]>forwarded(ANSWERS)).hasSize(40 - (int) held);
        }
    }

    @Test
    void overdueHeldCallbacksAreAnsweredOldestFirstAndTheOthersStay() {
        List<String> exts = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            exts.add(TestData.externalId());
            callback(TestData.create(exts.get(n), "req-" + n, ACCOUNT, "s", task.now()).build());
            task.advance(Duration.ofSeconds(10), task.config.punctuationInterval());
        }
        // req-0 waited 40 s, req-1 30 s (its grace ends now), req-2 20 s, req-3 10 s.
        assertThat(task.<byte[]>forwarded(ANSWERS)).extracting(Record::key).containsExactly("req-0", "req-1");
        assertThat(task.storedKeys(HELD_CALLBACKS_STORE)).isEqualTo(2);
        assertThat(task.storedKeys(HELD_CALLBACKS_BY_TIME_STORE)).isEqualTo(2);
    }

    @Test
    void aRequestIdRecordsAFailedAttemptOnceAndAnIntegrationABoundedNumberPerHour() {
        pending();
        int max = task.config.maxRecordedAttemptsPerHour();
        List<CfnResponse> answers = new ArrayList<>();
        List<Integration> versions = new ArrayList<>();
        for (int n = 0; n < max + 10; n++) {
            CfnCallback denied = TestData.create(ext, "req-" + n, ACCOUNT, "s", task.now()).build();
            callback(denied);
            // verify() starts the forwards afresh: what the Create wrote before its result is kept first
            task.<byte[]>forwarded(STATES).forEach(r -> versions.add(state(r.value())));
            verify(RoleVerificationOutcome.DENIED);
            callback(denied); // a redelivery: answered again, never a second version
            task.advance(Duration.ofSeconds(10), Duration.ofDays(365));
            task.<byte[]>forwarded(ANSWERS).forEach(r -> answers.add(answer(r.value())));
            task.<byte[]>forwarded(STATES).forEach(r -> versions.add(state(r.value())));
            task.context.resetForwards();
        }

        assertThat(answers).hasSize(2 * (max + 10))
                .allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ResponseStatus.FAILED));
        // Both steps that only record an attempt (the role being verified, since issue #18, and the failed
        // decision) count against the one bound.
        assertThat(versions).hasSize(max);
        assertThat(versions).filteredOn(v -> v.getProgress().getRoleVerification().getState()
                != RoleVerificationState.PENDING).extracting(Integration::getLastRequestId).hasSize(max / 2)
                .doesNotHaveDuplicates();
        assertThat(versions).allSatisfy(v -> assertThat(v.getStatus()).isEqualTo(IntegrationStatus.PENDING));

        // An hour after the first, attempts are recorded again; a success is never held back.
        task.advance(Duration.ofHours(1), Duration.ofDays(365));
        task.context.resetForwards();
        callback(TestData.create(ext, "req-late", ACCOUNT, "s", task.now()).build());
        // Its role being verified (a version of its own since issue #18), then its failed attempt.
        assertThat(task.<byte[]>forwarded(STATES)).singleElement().satisfies(r -> assertThat(state(r.value())
                .getProgress().getRoleVerification().getState()).isEqualTo(RoleVerificationState.PENDING));
        verify(RoleVerificationOutcome.DENIED);
        assertThat(task.<byte[]>forwarded(STATES)).singleElement().satisfies(r -> assertThat(state(r.value())
                .getLastRequestId()).isEqualTo("req-late"));
        callback(TestData.create(ext, "req-ok", ACCOUNT, "s", task.now()).build());
        verify(RoleVerificationOutcome.VERIFIED);
        assertThat(task.<ClaimInTransit>forwarded(CLAIMS)).hasSize(1);
    }

    @Test
    void answersAndHeldCallbacksAnEarlierVersionKeptWithoutTheIndexAreIndexedAndExpire() {
        try (MockTask upgraded = new MockTask(INTEGRATIONS_BY_EXTERNAL_ID_STORE, REQUESTS_STORE, HELD_CALLBACKS_STORE,
                PENDING_EXPIRY_STORE, VERIFYING_CALLBACKS_STORE, DECIDED_REQUEST_DIGESTS_STORE,
                DECIDED_REQUESTS_BY_TIME_STORE, HELD_CALLBACKS_BY_TIME_STORE)) {
            // What the earlier version left: answers by RequestId, a held callback, and no index.
            for (int n = 0; n < 2_500; n++) {
                upgraded.<DecidedAnswer>store(REQUESTS_STORE).put("old-" + n, new DecidedAnswer(upgraded.now(),
                        java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})));
            }
            CfnCallback waiting = TestData.create(ext, "req-held", ACCOUNT, "s", upgraded.now()).build();
            org.apache.kafka.streams.state.TimestampedKeyValueStore<String, CfnCallback> heldStore =
                    upgraded.context.getStateStore(HELD_CALLBACKS_STORE);
            heldStore.put(ext + "|req-held", org.apache.kafka.streams.state.ValueAndTimestamp.make(waiting,
                    upgraded.now().toEpochMilli()));

            ExternalIdLedger ledgerNow = new ExternalIdLedger(upgraded.config, upgraded.catalog,
                    upgraded.serdes.callbacks());
            ledgerNow.init(upgraded.context);
            for (int s = 0; s < 3; s++) {
                upgraded.advance(Duration.ofSeconds(1), upgraded.config.punctuationInterval());
            }

            assertThat(upgraded.store(DECIDED_REQUESTS_BY_TIME_STORE).get(DecidedRequests.EARLIER_ANSWERS_INDEXED))
                    .isNotNull();
            assertThat(upgraded.storedKeys(DECIDED_REQUESTS_BY_TIME_STORE)).isEqualTo(2_500 + 1);
            // The held callback's grace ends like any other's.
            upgraded.advance(Duration.ofSeconds(30), upgraded.config.punctuationInterval());
            assertThat(upgraded.<byte[]>forwarded(ANSWERS)).extracting(Record::key).containsExactly("req-held");
            // The earlier answers go after the retention, as they always did.
            upgraded.advance(Duration.ofDays(15).plusHours(1), upgraded.config.decidedCleanupInterval());
            assertThat(upgraded.storedKeys(REQUESTS_STORE)).isZero();
        }
    }

    private List<String> keys(String store) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Object> it = task.<Object>store(store).all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    private static String longUrl(String requestId) {
        String base = "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/" + requestId
                + "?X-Amz-Signature=";
        return base + "s".repeat(4096 - base.length());
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
