package dev.onboarding.processor;

import static dev.onboarding.processor.TestData.ACCOUNT;
import static dev.onboarding.processor.TestData.OTHER_ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.KafkaSource;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.processor.ledger.CallbackDecider;
import dev.onboarding.processor.claims.AccountHolder;
import dev.onboarding.processor.ledger.DecidedAnswer;
import dev.onboarding.processor.ledger.LedgerEntry;
import dev.onboarding.processor.ledger.PendingIntegrations;
import dev.onboarding.processor.queries.TenantKeys;
import dev.onboarding.schemas.ExternalIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every rule of the processor, end to end through the topology in a {@code TopologyTestDriver}. */
class OnboardingTopologyTest {
    private TopologyFixture fx = new TopologyFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    private CfnCallback create(String externalId, String requestId, String account, String stack) {
        return TestData.create(externalId, requestId, account, stack, fx.now()).build();
    }

    private static void assertFailed(CfnResponse response, String requestId, String reasonPart) {
        assertThat(response.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(response.getRequestId()).isEqualTo(requestId);
        assertThat(response.getPhysicalResourceId()).isEqualTo("rejected-" + requestId);
        assertThat(response.getReason()).contains(reasonPart);
        assertThat(response.getData()).isEmpty();
    }

    /** Connects integration {@code id} of {@code tenant} from {@code account}; returns its CONNECTED state. */
    private Integration connect(String id, String tenant, String externalId, String account, String stack) {
        fx.pending(id, tenant, externalId);
        CfnResponse success = fx.answer(create(externalId, "req-" + id, account, stack));
        assertThat(success.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        return fx.integrations.readValue();
    }

    @Test
    void createConnectsThePendingIntegration() {
        String ext = TestData.externalId();
        Integration pending = fx.pending("int-1", "tenant-a", ext);
        assertThat(pending.getStatus()).isEqualTo(IntegrationStatus.PENDING);
        assertThat(pending.getVersion()).isEqualTo(1);

        CfnCallback create = create(ext, "req-1", ACCOUNT, "onboarding");
        fx.callback(create);

        var answer = fx.responses.readKeyValue();
        assertThat(answer.key).isEqualTo("req-1");
        CfnResponse response = answer.value;
        assertThat(response.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(response.getPhysicalResourceId()).isEqualTo("int-1");
        assertThat(response.getData()).containsExactly(Map.entry("IntegrationId", "int-1"));
        assertThat(response.getIntegrationId()).isEqualTo("int-1");
        assertThat(response.getResponseUrl()).isEqualTo(create.getResponseUrl());
        assertThat(response.getStackId()).isEqualTo(create.getStackId());
        assertThat(response.getLogicalResourceId()).isEqualTo(TestData.LOGICAL_ID);
        assertThat(response.getDeadline()).isEqualTo(create.getSentAt().plusSeconds(3600));
        assertThat(response.getAttempt()).isZero();
        assertThat(response.getDecidedAt()).isEqualTo(fx.now());

        var state = fx.integrations.readKeyValue();
        assertThat(state.key).isEqualTo("int-1");
        Integration connected = state.value;
        assertThat(connected.getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
        assertThat(connected.getAccountId()).isEqualTo(ACCOUNT);
        assertThat(connected.getRoleArn()).isEqualTo(TestData.roleArn(ACCOUNT, TestData.ROLE));
        assertThat(connected.getStackId()).isEqualTo(create.getStackId());
        assertThat(connected.getPhysicalResourceId()).isEqualTo("int-1");
        assertThat(connected.getLastRequestId()).isEqualTo("req-1");
        assertThat(connected.getConnectedAt()).isEqualTo(fx.now());
        // Version 2 showed the role being verified.
        assertThat(fx.integrations.verifying()).singleElement().satisfies(v -> assertThat(v.getVersion()).isEqualTo(2));
        assertThat(connected.getVersion()).isEqualTo(3);
        assertThat(fx.responses.isEmpty()).isTrue();
    }

    @Test
    void everyLogLineAboutACallbackNamesItsRequestAndIntegrationAndNeverTheWholeExternalId() {
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        root.addAppender(lines);
        String ext = TestData.externalId();
        try {
            fx.pending("int-1", "tenant-a", ext);
            fx.answer(create(ext, "req-1", ACCOUNT, "onboarding"));
        } finally {
            root.detachAppender(lines);
        }

        List<ILoggingEvent> aboutTheCallback = lines.list.stream()
                .filter(e -> e.getLoggerName().startsWith("dev.onboarding.processor")
                        && e.getFormattedMessage().contains("req-1"))
                .toList();
        assertThat(aboutTheCallback).as("the decision is logged").isNotEmpty().allSatisfy(e -> assertThat(
                e.getMDCPropertyMap()).containsEntry("requestId", "req-1").containsEntry("integrationId", "int-1")
                .containsEntry("externalId", ExternalIds.redact(ext)));
        assertThat(lines.list).allSatisfy(e -> assertThat(e.getFormattedMessage() + e.getMDCPropertyMap())
                .doesNotContain(ext));
    }

    @Test
    void forgedCallbacksAreLoggedAtDebugOnlySoAFloodCannotFillTheLogsWhileDecisionsAboutAnIntegrationStayAtInfo() {
        fx.close();
        fx = new TopologyFixture(Map.of("processor.held-callbacks.max-per-partition", "1"));
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        Logger product = (Logger) LoggerFactory.getLogger("dev.onboarding");
        Level before = product.getLevel();
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        root.addAppender(lines);
        product.setLevel(Level.DEBUG);
        String ext = TestData.externalId();
        try {
            fx.pending("int-1", "tenant-a", ext);
            fx.answer(create(ext, "req-genuine", ACCOUNT, "onboarding"));
            fx.answer(TestData.delete(TestData.externalId(), "req-forged-delete", ACCOUNT, "s", "int-x", fx.now())
                    .build());
            // Two Creates for unknown external IDs with room for one held: the first is decided at the bound.
            fx.callback(create(TestData.externalId(), "req-forged-create-1", ACCOUNT, "s1"));
            fx.advance(Duration.ofSeconds(1));
            fx.callback(create(TestData.externalId(), "req-forged-create-2", ACCOUNT, "s2"));
        } finally {
            root.detachAppender(lines);
            product.setLevel(before);
        }

        List<ILoggingEvent> forged = lines.list.stream()
                .filter(e -> e.getFormattedMessage().contains("req-forged")).toList();
        assertThat(forged).as("held, decided at the bound, decided without a match: each said at DEBUG")
                .extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.startsWith("holding CREATE req-forged-create-2"))
                .anyMatch(m -> m.startsWith("deciding held CREATE req-forged-create-1"))
                .anyMatch(m -> m.startsWith("decided DELETE req-forged-delete"));
        assertThat(forged).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.DEBUG));
        assertThat(lines.list).filteredOn(e -> e.getFormattedMessage().startsWith("decided CREATE req-genuine"))
                .singleElement().satisfies(e -> assertThat(e.getLevel()).isEqualTo(Level.INFO));
    }

    @Test
    void aRedeliveredWinningCreateGetsTheIdenticalSuccessAndChangesNothing() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        CfnCallback create = create(ext, "req-1", ACCOUNT, "onboarding");
        CfnResponse first = fx.answer(create);
        fx.integrations.readValue();

        fx.advance(Duration.ofMinutes(5));
        CfnResponse again = fx.answer(create);

        assertThat(again).isEqualTo(first);
        assertThat(again.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(fx.integrations.isEmpty()).isTrue();
    }

    @Test
    void aSecondAccountOfTheSameTenantLosesAndItsRollbackDeleteChangesNothing() {
        String extA = TestData.externalId();
        String extB = TestData.externalId();
        connect("int-a", "tenant-a", extA, ACCOUNT, "first");
        fx.pending("int-b", "tenant-a", extB);

        CfnResponse lost = fx.answer(create(extB, "req-b", ACCOUNT, "second"));
        assertFailed(lost, "req-b", "AWS account " + ACCOUNT + " is already connected to this workspace");
        Integration stillPending = fx.integrations.readValue();
        assertThat(stillPending.getIntegrationId()).isEqualTo("int-b");
        assertThat(stillPending.getStatus()).isEqualTo(IntegrationStatus.PENDING);
        assertThat(stillPending.getLastRequestId()).isEqualTo("req-b");
        assertThat(stillPending.getLastFailureReason()).contains("already connected to this workspace");

        // CloudFormation rolls back: a Delete carrying the FAILED answer's PhysicalResourceId.
        CfnResponse rollback = fx.answer(TestData.delete(extB, "req-b-rollback", ACCOUNT, "second", "rejected-req-b",
                fx.now()).build());
        assertThat(rollback.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(rollback.getPhysicalResourceId()).isEqualTo("rejected-req-b");
        assertThat(fx.integrations.isEmpty()).isTrue();

        // The first integration still holds the account: a third one is still refused.
        String extC = TestData.externalId();
        fx.pending("int-c", "tenant-a", extC);
        assertFailed(fx.answer(create(extC, "req-c", ACCOUNT, "third")), "req-c", "already connected");
        Integration a = fx.integrationByExternalId(extA);
        assertThat(a.getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
    }

    @Test
    void twoCreatesForOneAccountArrivingTogetherHaveOneWinner() {
        String extA = TestData.externalId();
        String extB = TestData.externalId();
        fx.pending("int-a", "tenant-a", extA);
        fx.pending("int-b", "tenant-a", extB);

        fx.callbacks.pipeKeyValueList(List.of(
                new KeyValue<>(extA, create(extA, "req-a", ACCOUNT, "one")),
                new KeyValue<>(extB, create(extB, "req-b", ACCOUNT, "two"))));
        fx.answerVerifications();

        List<CfnResponse> answers = fx.allResponses();
        assertThat(answers).hasSize(2);
        assertThat(answers).filteredOn(r -> r.getStatus() == ResponseStatus.SUCCESS).hasSize(1);
        assertThat(answers).filteredOn(r -> r.getStatus() == ResponseStatus.FAILED).singleElement()
                .satisfies(r -> assertThat(r.getReason()).contains("already connected to this workspace"));
    }

    @Test
    void ownershipFirstThenStsCreatesForUnknownExternalIdsAreNeverVerified() {
        for (int i = 0; i < 50; i++) {
            fx.callback(create(TestData.externalId(), "forged-" + i, TestData.OTHER_ACCOUNT, "forged"));
        }
        fx.advance(ProcessorConfig.DEFAULT_CALLBACK_GRACE.plusSeconds(2));

        assertThat(fx.allResponses()).hasSize(50).allSatisfy(r -> assertFailed(r, r.getRequestId(),
                CallbackDecider.UNKNOWN_EXTERNAL_ID));
        fx.newVerificationRequests();
        assertThat(fx.asked).as("no STS call is asked for an unknown external ID").isEmpty();
    }

    @Test
    void aCreateThatOvertookItsRequestIsVerifiedWhenTheRequestArrives() {
        fx.verifyByHand();
        String ext = TestData.externalId();
        fx.callback(create(ext, "req-1", ACCOUNT, "fast"));
        assertThat(fx.newVerificationRequests()).isEmpty();

        fx.pending("int-1", "tenant-a", ext);

        RoleVerificationRequest asked = fx.newVerificationRequests().get(0);
        assertThat(asked.getRequestId()).isEqualTo("req-1");
        assertThat(asked.getIntegrationId()).isEqualTo("int-1");
        assertThat(fx.verificationRequests.isEmpty()).isTrue();
        fx.verify(asked, TestData.verified());
        assertThat(fx.responses.readValue().getStatus()).isEqualTo(ResponseStatus.SUCCESS);
    }

    @Test
    void aRoleThatDoesNotRequireTheExternalIdIsAnsweredFailedWithItsReasonCode() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        CfnCallback create = TestData.create(ext, "req-1", ACCOUNT, "open", fx.now()).setRoleVerification(
                RoleVerification.newBuilder().setOutcome(RoleVerificationOutcome.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID)
                        .setErrorCode("AssumedWithoutExternalId").setAttempts(2).build()).build();

        CfnResponse answer = fx.answer(create);

        assertFailed(answer, "req-1", CallbackDecider.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID);
        Integration state = fx.integrations.readValue();
        assertThat(state.getStatus()).isEqualTo(IntegrationStatus.PENDING);
        assertThat(state.getLastFailureReason()).startsWith(CallbackDecider.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID);
    }

    @Test
    void aRoleNameOtherThanTheIntegrationsIsAnsweredFailedWithoutAVerification() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        CfnCallback create = TestData.create(ext, "req-1", ACCOUNT, "s", fx.now()).setRoleName("Other")
                .setRoleArn(TestData.roleArn(ACCOUNT, "Other")).build();

        assertFailed(fx.answer(create), "req-1", CallbackDecider.ROLE_NAME_MISMATCH);
        fx.newVerificationRequests();
        assertThat(fx.asked).isEmpty();
    }

    @Test
    void oneAccountMayBeConnectedOncePerTenant() {
        connect("int-a", "tenant-a", TestData.externalId(), ACCOUNT, "a");
        Integration b = connect("int-b", "tenant-b", TestData.externalId(), ACCOUNT, "b");
        assertThat(b.getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
    }

    @Test
    void aCallbackThatOvertookItsRequestWaitsForIt() {
        String ext = TestData.externalId();
        CfnCallback create = create(ext, "req-1", ACCOUNT, "fast");
        fx.callback(create);
        assertThat(fx.responses.isEmpty()).isTrue();

        fx.advance(Duration.ofSeconds(10));
        fx.callback(create); // SQS redelivers while it waits: still one decision
        assertThat(fx.responses.isEmpty()).isTrue();

        fx.request(TestData.requested("int-1", "tenant-a", ext, fx.now(), Duration.ofHours(24)));
        List<CfnResponse> answers = fx.allResponses();
        assertThat(answers).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
            assertThat(r.getPhysicalResourceId()).isEqualTo("int-1");
        });
        assertThat(fx.allStates()).extracting(Integration::getStatus)
                .containsExactly(IntegrationStatus.PENDING, IntegrationStatus.CONNECTED);

        fx.advance(Duration.ofMinutes(1));
        assertThat(fx.responses.isEmpty()).isTrue();
    }

    @Test
    void aCallbackWhoseRequestNeverComesFailsAfterTheGrace() {
        String ext = TestData.externalId();
        CfnCallback create = create(ext, "req-1", ACCOUNT, "lost");
        fx.callback(create);
        fx.advance(Duration.ofSeconds(29));
        assertThat(fx.responses.isEmpty()).isTrue();

        fx.advance(Duration.ofSeconds(2));
        assertFailed(fx.responses.readValue(), "req-1", "unknown or expired external ID");
        assertThat(fx.responses.isEmpty()).isTrue();

        // A request arriving later does not revive the decided callback, and a redelivery answers the same.
        fx.request(TestData.requested("int-1", "tenant-a", ext, fx.now(), Duration.ofHours(24)));
        assertFailed(fx.answer(create), "req-1", "unknown or expired external ID");
        assertThat(fx.allStates()).extracting(Integration::getStatus).containsExactly(IntegrationStatus.PENDING);
    }

    @Test
    void aDeleteOrUpdateForAnUnknownExternalIdIsAnsweredAtOnce() {
        String ext = TestData.externalId();
        CfnResponse delete = fx.answer(TestData.delete(ext, "req-d", ACCOUNT, "gone", "int-x", fx.now()).build());
        assertThat(delete.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(delete.getPhysicalResourceId()).isEqualTo("int-x");
        assertFailed(fx.answer(TestData.update(ext, "req-u", ACCOUNT, "gone", "int-x", fx.now()).build()), "req-u",
                "not the one connected");
    }

    @Test
    void pendingIntegrationsExpireByTheClockAndRefuseLaterCreates() {
        String ext = TestData.externalId();
        fx.request(TestData.requested("int-1", "tenant-a", ext, fx.now(), Duration.ofHours(1)));
        fx.integrations.readValue();
        fx.advance(Duration.ofMinutes(59));
        assertThat(fx.integrations.isEmpty()).isTrue();

        fx.advance(Duration.ofMinutes(2));
        Integration expired = fx.integrations.readValue();
        assertThat(expired.getStatus()).isEqualTo(IntegrationStatus.EXPIRED);
        assertThat(expired.getVersion()).isEqualTo(2);

        assertFailed(fx.answer(create(ext, "req-1", ACCOUNT, "late")), "req-1", "expired");
        assertThat(fx.integrations.isEmpty()).isTrue();
    }

    @Test
    void aConnectedIntegrationOutlivesItsExpiryTime() {
        String ext = TestData.externalId();
        connect("int-1", "tenant-a", ext, ACCOUNT, "s");
        fx.advance(Duration.ofHours(25));
        assertThat(fx.integrations.isEmpty()).isTrue();
        try (var index = fx.<String>store(TopologyNames.PENDING_EXPIRY_STORE).all()) {
            assertThat(index.hasNext()).as("stale expiry index entries are dropped").isFalse();
        }
        assertThat(fx.integrationByExternalId(ext).getStatus())
                .isEqualTo(IntegrationStatus.CONNECTED);
    }

    @Test
    void aFailedCreateLeavesThePendingIntegrationRetryable() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        CfnCallback denied = TestData.create(ext, "req-1", ACCOUNT, "s", fx.now())
                .setRoleVerification(TestData.denied()).build();

        CfnResponse failed = fx.answer(denied);
        assertFailed(failed, "req-1", TestData.roleArn(ACCOUNT, TestData.ROLE));
        assertThat(failed.getReason()).contains("AccessDenied");
        Integration pending = fx.integrations.readValue();
        assertThat(pending.getStatus()).isEqualTo(IntegrationStatus.PENDING);
        assertThat(pending.getLastRequestId()).isEqualTo("req-1");
        assertThat(pending.getLastFailureReason()).isEqualTo(failed.getReason());

        // The customer fixes the trust policy and retries: a new RequestId.
        CfnResponse success = fx.answer(create(ext, "req-2", ACCOUNT, "s"));
        assertThat(success.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(fx.integrations.readValue().getLastFailureReason()).isNull();
    }

    @Test
    void anExpectedAccountMustMatch() {
        String ext = TestData.externalId();
        fx.request(TestData.requested("int-1", "tenant-a", ext, fx.now(), Duration.ofHours(1), OTHER_ACCOUNT));
        fx.integrations.readValue();
        assertFailed(fx.answer(create(ext, "req-1", ACCOUNT, "s")), "req-1", "AWS account " + ACCOUNT + " is not");
        assertThat(fx.integrations.readValue().getStatus()).isEqualTo(IntegrationStatus.PENDING);
        assertThat(fx.answer(create(ext, "req-2", OTHER_ACCOUNT, "s")).getStatus())
                .isEqualTo(ResponseStatus.SUCCESS);
    }

    @Test
    void aConnectedExternalIdRefusesAnotherStack() {
        String ext = TestData.externalId();
        connect("int-1", "tenant-a", ext, ACCOUNT, "first");
        assertFailed(fx.answer(create(ext, "req-2", ACCOUNT, "copy")), "req-2", "already connected to another stack");
        assertThat(fx.integrations.isEmpty()).isTrue();
    }

    @Test
    void cancellingAPendingIntegrationEndsItAndLaterCreatesFail() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        fx.request(TestData.cancelled("int-1", "tenant-a", ext, fx.now()));
        assertThat(fx.integrations.readValue().getStatus()).isEqualTo(IntegrationStatus.CANCELLED);
        assertFailed(fx.answer(create(ext, "req-1", ACCOUNT, "s")), "req-1", "cancelled");
    }

    @Test
    void cancellingAConnectedIntegrationDisconnectsItAndReleasesTheAccount() {
        String ext = TestData.externalId();
        connect("int-1", "tenant-a", ext, ACCOUNT, "first");
        fx.request(TestData.cancelled("int-1", "tenant-a", ext, fx.now()));
        assertThat(fx.integrations.readValue().getStatus()).isEqualTo(IntegrationStatus.DISCONNECTED);

        Integration next = connect("int-2", "tenant-a", TestData.externalId(), ACCOUNT, "second");
        assertThat(next.getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
    }

    @Test
    void theConnectedStacksDeleteDisconnectsAndReleasesTheAccount() {
        String ext = TestData.externalId();
        Integration connected = connect("int-1", "tenant-a", ext, ACCOUNT, "first");

        CfnResponse deleted = fx.answer(TestData.delete(ext, "req-del", ACCOUNT, "first", "int-1", fx.now()).build());
        assertThat(deleted.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(deleted.getPhysicalResourceId()).isEqualTo("int-1");
        Integration disconnected = fx.integrations.readValue();
        assertThat(disconnected.getStatus()).isEqualTo(IntegrationStatus.DISCONNECTED);
        assertThat(disconnected.getVersion()).isEqualTo(connected.getVersion() + 1);
        assertThat(fx.<AccountHolder>store(TopologyNames.ACCOUNT_CLAIMS_STORE).get("tenant-a|" + ACCOUNT))
                .isNull();

        assertThat(connect("int-2", "tenant-a", TestData.externalId(), ACCOUNT, "second").getStatus())
                .isEqualTo(IntegrationStatus.CONNECTED);
    }

    @Test
    void aForgedDeleteWithTheRightExternalIdButAnotherStackChangesNothing() {
        String ext = TestData.externalId();
        connect("int-1", "tenant-a", ext, ACCOUNT, "first");

        CfnResponse forged = fx.answer(TestData.delete(ext, "req-forged", OTHER_ACCOUNT, "attacker", "int-1",
                fx.now()).build());
        assertThat(forged.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        // Same stack but another logical id: not the connected resource either.
        CfnResponse otherResource = fx.answer(TestData.delete(ext, "req-other", ACCOUNT, "first", "int-1", fx.now())
                .setLogicalResourceId("SomethingElse").build());
        assertThat(otherResource.getStatus()).isEqualTo(ResponseStatus.SUCCESS);

        assertThat(fx.integrations.isEmpty()).isTrue();
        assertThat(fx.integrationByExternalId(ext).getStatus())
                .isEqualTo(IntegrationStatus.CONNECTED);
        assertThat(fx.<AccountHolder>store(TopologyNames.ACCOUNT_CLAIMS_STORE).get("tenant-a|" + ACCOUNT)
                .getIntegrationId()).isEqualTo("int-1");
    }

    @Test
    void anUpdateWithAVerifiedNewRoleChangesTheRoleArn() {
        String ext = TestData.externalId();
        connect("int-1", "tenant-a", ext, ACCOUNT, "s");
        CfnCallback update = TestData.update(ext, "req-u", ACCOUNT, "s", "int-1", fx.now())
                .setRoleName("NewRole").setRoleArn(TestData.roleArn(ACCOUNT, "NewRole")).build();

        CfnResponse response = fx.answer(update);
        assertThat(response.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(response.getPhysicalResourceId()).isEqualTo("int-1");
        assertThat(response.getData()).containsEntry("IntegrationId", "int-1");
        Integration updated = fx.integrations.readValue();
        assertThat(updated.getRoleArn()).isEqualTo(TestData.roleArn(ACCOUNT, "NewRole"));
        assertThat(updated.getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
    }

    @Test
    void anUpdateWithAnUnverifiedNewRoleFailsAndKeepsTheOldArn() {
        String ext = TestData.externalId();
        connect("int-1", "tenant-a", ext, ACCOUNT, "s");
        CfnCallback update = TestData.update(ext, "req-u", ACCOUNT, "s", "int-1", fx.now())
                .setRoleName("NewRole").setRoleArn(TestData.roleArn(ACCOUNT, "NewRole"))
                .setRoleVerification(TestData.denied()).build();

        CfnResponse response = fx.answer(update);
        assertFailed(response, "req-u", TestData.roleArn(ACCOUNT, "NewRole"));
        assertThat(response.getReason()).contains("AccessDenied");
        Integration kept = fx.integrations.readValue();
        assertThat(kept.getRoleArn()).isEqualTo(TestData.roleArn(ACCOUNT, TestData.ROLE));
        assertThat(kept.getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
        assertThat(kept.getLastFailureReason()).isEqualTo(response.getReason());
    }

    @Test
    void anUpdateThatChangesNothingSucceedsWithoutAStateChange() {
        String ext = TestData.externalId();
        connect("int-1", "tenant-a", ext, ACCOUNT, "s");
        CfnResponse response = fx.answer(TestData.update(ext, "req-u", ACCOUNT, "s", "int-1", fx.now()).build());
        assertThat(response.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(response.getPhysicalResourceId()).isEqualTo("int-1");
        assertThat(fx.integrations.isEmpty()).isTrue();
    }

    @Test
    void anUpdateThatChangesTheExternalIdFailsAndItsRollbackSucceeds() {
        String ext = TestData.externalId();
        String otherExt = TestData.externalId();
        connect("int-1", "tenant-a", ext, ACCOUNT, "s");
        fx.pending("int-2", "tenant-a", otherExt);

        CfnResponse changed = fx.answer(TestData.update(otherExt, "req-u", ACCOUNT, "s", "int-1", fx.now())
                .setOldExternalId(ext).build());
        assertFailed(changed, "req-u", "the external ID cannot change; connect a new integration");
        assertThat(changed.getIntegrationId()).isNull();

        // CloudFormation rolls back: an Update restoring the connected external ID.
        CfnResponse rollback = fx.answer(TestData.update(ext, "req-rb", ACCOUNT, "s", "int-1", fx.now())
                .setOldExternalId(otherExt).build());
        assertThat(rollback.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(rollback.getPhysicalResourceId()).isEqualTo("int-1");
        assertThat(fx.integrations.isEmpty()).isTrue();
    }

    @Test
    void anUpdateFromAnotherStackOrResourceFailsAndTouchesNothing() {
        String ext = TestData.externalId();
        connect("int-1", "tenant-a", ext, ACCOUNT, "s");
        assertFailed(fx.answer(TestData.update(ext, "req-u1", OTHER_ACCOUNT, "evil", "int-1", fx.now()).build()),
                "req-u1", "not the one connected");
        assertFailed(fx.answer(TestData.update(ext, "req-u2", ACCOUNT, "s", "int-other", fx.now()).build()),
                "req-u2", "not the one connected");
        assertThat(fx.integrations.isEmpty()).isTrue();
    }

    @Test
    void aRequestReusingAnotherTenantsExternalIdIsRefusedAndTheOwnerIsUntouched() {
        String ext = TestData.externalId();
        fx.pending("int-owner", "tenant-a", ext);

        fx.request(TestData.requested("int-thief", "tenant-b", ext, fx.now(), Duration.ofHours(24)));
        var refused = fx.requestsDlq.readKeyValue();
        assertThat(refused.key).isEqualTo("int-thief");
        assertThat(refused.value.getReasonCode()).isEqualTo(PendingIntegrations.EXTERNAL_ID_IN_USE);
        assertThat(refused.value.getReason()).doesNotContain(ext);
        KafkaSource source = (KafkaSource) refused.value.getSource();
        assertThat(source.getTopic()).isEqualTo(fx.catalog.integrationRequests().name());
        assertThat(source.getOffset()).isGreaterThanOrEqualTo(0);
        assertThat(refused.value.getOriginalValue()).isNotNull();
        assertThat(fx.integrations.isEmpty()).isTrue();

        CfnResponse success = fx.answer(create(ext, "req-1", ACCOUNT, "s"));
        assertThat(success.getPhysicalResourceId()).isEqualTo("int-owner");
        assertThat(fx.integrations.readValue().getTenantId()).isEqualTo("tenant-a");
    }

    @Test
    void aRedeliveredRequestChangesNothingAndAnIntegrationIdCannotChangeItsExternalId() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        fx.request(TestData.requested("int-1", "tenant-a", ext, fx.now(), Duration.ofHours(24)));
        assertThat(fx.integrations.isEmpty()).isTrue();
        assertThat(fx.requestsDlq.isEmpty()).isTrue();

        fx.request(TestData.requested("int-1", "tenant-a", TestData.externalId(), fx.now(), Duration.ofHours(24)));
        assertThat(fx.requestsDlq.readValue().getReasonCode()).isEqualTo(PendingIntegrations.INTEGRATION_ID_IN_USE);
        assertThat(fx.integrations.isEmpty()).isTrue();
    }

    @Test
    void aCancelForAnotherOwnersExternalIdIsRefused() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        fx.request(TestData.cancelled("int-1", "tenant-a", TestData.externalId(), fx.now()));
        assertThat(fx.requestsDlq.readValue().getReasonCode()).isEqualTo(PendingIntegrations.NOT_THE_OWNER);
        fx.request(TestData.cancelled("int-never", "tenant-a", ext, fx.now()));
        assertThat(fx.requestsDlq.readValue().getReasonCode()).isEqualTo(PendingIntegrations.UNKNOWN_INTEGRATION);
        assertThat(fx.integrations.isEmpty()).isTrue();
    }

    @Test
    void aTenantIdOver65535BytesOrAnExternalIdNotMintedIsRefusedAndTheNextRequestGoesThrough() {
        String ext = TestData.externalId();
        fx.request(new dev.onboarding.contract.IntegrationRequestEvent(dev.onboarding.contract.IntegrationRequested
                .newBuilder((dev.onboarding.contract.IntegrationRequested) TestData.requested("int-1",
                        "t".repeat(70_000), ext, fx.now(), Duration.ofHours(1)).getEvent()).build()));
        fx.request(TestData.requested("int-2", "tenant-a", "chosen-by-the-customer", fx.now(), Duration.ofHours(1)));

        assertThat(fx.requestsDlq.readValuesToList()).extracting(DeadLetter::getReasonCode).containsExactly(
                PendingIntegrations.FIELD_TOO_LONG, PendingIntegrations.EXTERNAL_ID_NOT_MINTED);
        assertThat(fx.integrations.isEmpty()).isTrue();

        Integration pending = fx.pending("int-1", "tenant-a", ext);
        assertThat(pending.getStatus()).isEqualTo(IntegrationStatus.PENDING);
    }

    @Test
    void malformedAndUnreadableInputIsDeadLetteredAndProcessingGoesOn() {
        fx.close();
        fx = new TopologyFixture(false);
        String ext = TestData.externalId();
        fx.request(TestData.requested("int-1", "tenant-a", "bad id with spaces", fx.now(), Duration.ofHours(1)));
        DeadLetter malformed = fx.requestsDlq.readValue();
        assertThat(malformed.getReasonCode()).isEqualTo(PendingIntegrations.MALFORMED);
        assertThat(malformed.getReason()).contains("externalId");

        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        fx.rawRequests.pipeInput("int-2".getBytes(StandardCharsets.UTF_8), garbage);
        DeadLetter unreadableRequest = fx.requestsDlq.readValue();
        assertThat(unreadableRequest.getReasonCode()).isEqualTo(DeadLetters.UNREADABLE);
        assertThat(unreadableRequest.getOriginalValue().array()).isEqualTo(garbage);

        fx.rawCallbacks.pipeInput(ext.getBytes(StandardCharsets.UTF_8), garbage);
        DeadLetter unreadableCallback = fx.callbacksDlq.readValue();
        assertThat(unreadableCallback.getReasonCode()).isEqualTo(DeadLetters.UNREADABLE);
        assertThat(((KafkaSource) unreadableCallback.getSource()).getTopic())
                .isEqualTo(fx.catalog.cfnCallbacks().name());

        fx.rawCallbacks.pipeInput(ext.getBytes(StandardCharsets.UTF_8), (byte[]) null);
        assertThat(fx.callbacksDlq.readValue().getReasonCode()).isEqualTo(DeadLetters.EMPTY_VALUE);

        fx.pending("int-3", "tenant-a", ext);
        assertThat(fx.answer(create(ext, "req-1", ACCOUNT, "s")).getStatus()).isEqualTo(ResponseStatus.SUCCESS);
    }

    @Test
    void decidedRequestsAreForgottenAfterTheRetention() {
        String ext = TestData.externalId();
        connect("int-1", "tenant-a", ext, ACCOUNT, "s");
        // A Delete from another stack changes nothing: its answer is kept in the requests store.
        fx.answer(TestData.delete(ext, "req-forged", OTHER_ACCOUNT, "other", "int-1", fx.now()).build());
        assertThat(fx.<DecidedAnswer>store(TopologyNames.REQUESTS_STORE).get("req-forged"))
                .isInstanceOf(DecidedAnswer.class);

        fx.advance(Duration.ofDays(14));
        assertThat(fx.<DecidedAnswer>store(TopologyNames.REQUESTS_STORE).get("req-forged")).isNotNull();
        fx.advance(Duration.ofDays(1).plusHours(2));
        assertThat(fx.<DecidedAnswer>store(TopologyNames.REQUESTS_STORE).get("req-forged")).isNull();
    }

    @Test
    void aForgedDeletesWholeAnswerGoesAfterTheAnswerRetentionYetItsRedeliveryIsAnsweredIdenticallyUntilTheRetention() {
        fx.close();
        fx = new TopologyFixture(Map.of("processor.decided-requests.allow-short-retention", "true",
                "processor.decided-requests.retention", "2m", "processor.decided-requests.answer-retention", "1m",
                "processor.decided-requests.cleanup-interval", "10s"));
        String url = "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x?X-Amz-Signature=";
        CfnCallback forged = TestData.delete(TestData.externalId(), "req-forged", ACCOUNT, "s", "int-x", fx.now())
                .setResponseUrl(url + "f".repeat(4096 - url.length())).build();
        CfnResponse first = fx.answer(forged);
        assertThat(fx.<DecidedAnswer>store(TopologyNames.REQUESTS_STORE).get("req-forged")).isNotNull();

        fx.advance(Duration.ofSeconds(80));
        assertThat(fx.<DecidedAnswer>store(TopologyNames.REQUESTS_STORE).get("req-forged"))
                .as("the whole answer, its 4 KB ResponseURL included").isNull();
        assertThat(entries(TopologyNames.DECIDED_REQUEST_DIGESTS_STORE)).isOne();
        assertThat(fx.answer(forged)).as("rebuilt from the digest and the redelivery").isEqualTo(first);

        fx.advance(Duration.ofSeconds(60));
        assertThat(entries(TopologyNames.DECIDED_REQUEST_DIGESTS_STORE)).isZero();
        assertThat(entries(TopologyNames.REQUESTS_STORE)).isZero();
        assertThat(entries(TopologyNames.DECIDED_REQUESTS_BY_TIME_STORE))
                .as("nothing indexed but the marker that the earlier version's answers were indexed")
                .isLessThanOrEqualTo(1);
    }

    @Test
    void heldCreatesPastTheBoundAreAnsweredAtOnceOldestFirstAndTheRestAfterTheirGraceNoneDropped() {
        fx.close();
        fx = new TopologyFixture(Map.of("processor.held-callbacks.max-per-partition", "2"));
        for (int n = 1; n <= 3; n++) {
            fx.callback(create(TestData.externalId(), "req-" + n, ACCOUNT, "s" + n));
            fx.advance(Duration.ofSeconds(1)); // so that which one is the oldest is defined
        }
        List<CfnResponse> atOnce = fx.allResponses();
        assertThat(atOnce).extracting(CfnResponse::getRequestId).containsExactly("req-1");
        assertFailed(atOnce.get(0), "req-1", "unknown or expired external ID");
        assertThat(fx.meters.counter("processor.callbacks.held.over.bound").count()).isEqualTo(1.0);

        fx.advance(fx.config.callbackGrace().plusSeconds(2));
        List<CfnResponse> later = fx.allResponses();
        assertThat(later).extracting(CfnResponse::getRequestId).containsExactly("req-2", "req-3");
        later.forEach(r -> assertThat(r.getReason()).contains("unknown or expired external ID"));
        assertThat(entries(TopologyNames.HELD_CALLBACKS_STORE)).isZero();
    }

    private long entries(String store) {
        long n = 0;
        try (var all = fx.store(store).all()) {
            while (all.hasNext()) {
                all.next();
                n++;
            }
        }
        return n;
    }

    @Test
    void theAnswerThatChangedAStateIsKeptWithItAndStaysAnswerableWhenALaterOneReplacesIt() {
        String ext = TestData.externalId();
        fx.pending("int-1", "tenant-a", ext);
        CfnCallback create = create(ext, "req-1", ACCOUNT, "s");
        CfnResponse connected = fx.answer(create);
        assertThat(fx.<DecidedAnswer>store(TopologyNames.REQUESTS_STORE).get("req-1"))
                .as("kept with the state, not written twice").isNull();
        assertThat(fx.<LedgerEntry>store(TopologyNames.INTEGRATIONS_BY_EXTERNAL_ID_STORE).get(ext).getAnswered()
                .getRequestId()).isEqualTo("req-1");

        fx.advance(Duration.ofMinutes(1));
        CfnCallback delete = TestData.delete(ext, "req-del", ACCOUNT, "s", "int-1", fx.now()).build();
        CfnResponse deleted = fx.answer(delete);
        assertThat(fx.<DecidedAnswer>store(TopologyNames.REQUESTS_STORE).get("req-1"))
                .as("the Create's answer moved out when the Delete's took its place")
                .isInstanceOf(DecidedAnswer.class);

        fx.advance(Duration.ofMinutes(1));
        assertThat(fx.answer(create)).isEqualTo(connected);
        assertThat(fx.answer(delete)).isEqualTo(deleted);
        assertThat(fx.integrationByExternalId(ext).getStatus()).isEqualTo(IntegrationStatus.DISCONNECTED);

        // Past the retention the moved answer is forgotten; the one kept with the state is not.
        fx.advance(Duration.ofDays(16));
        assertThat(fx.<DecidedAnswer>store(TopologyNames.REQUESTS_STORE).get("req-1")).isNull();
        assertThat(fx.answer(delete)).isEqualTo(deleted);
    }

    @Test
    void theStatesAreReadBackByIdAndByTenant() {
        String ext = TestData.externalId();
        connect("int-1", "tenant-a", ext, ACCOUNT, "s");
        fx.pending("int-2", "tenant-a", TestData.externalId());
        fx.pending("int-3", "tenant-b", TestData.externalId());

        var byId = fx.driver.<String, byte[]>getTimestampedKeyValueStore(TopologyNames.INTEGRATIONS_BY_ID_STORE);
        Integration readBack = fx.catalog.integrations().valueSerde().deserializer()
                .deserialize(fx.catalog.integrations().name(), byId.get("int-1").value());
        assertThat(readBack.getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
        KeyValueStore<String, String> byTenant = fx.store(TopologyNames.TENANT_INDEX_STORE);
        try (var it = byTenant.prefixScan(TenantKeys.prefix("tenant-a"),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            List<String> ids = new java.util.ArrayList<>();
            it.forEachRemaining(kv -> ids.add(kv.value));
            assertThat(ids).containsExactlyInAnyOrder("int-1", "int-2");
        }
    }
}
