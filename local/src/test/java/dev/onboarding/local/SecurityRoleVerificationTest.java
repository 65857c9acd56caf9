package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onboarding.cli.IntegrationRequestPublisher;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.embedded.StsStandIn;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Ownership first, then STS, on the whole local stack: a role passes only if it requires the integration's external
 * ID; a forged Create for an unknown external ID causes no STS call; a flood of Creates reusing one leaked pending
 * external ID does not slow another tenant's verification.
 */
@ExtendWith(SecurityStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityRoleVerificationTest {
    private SecurityStack stack;
    private VerificationTail tail;

    @BeforeAll
    void start(SecurityStack stack) {
        this.stack = stack;
        tail = new VerificationTail(stack);
    }

    @AfterAll
    void stop() {
        tail.close();
    }

    @Test
    void rolesThatDoNotRequireTheExternalIdAreRefusedAndTheIntegrationStaysPending() {
        for (StsStandIn.Condition condition : List.of(StsStandIn.Condition.NONE, StsStandIn.Condition.STRING_LIKE,
                StsStandIn.Condition.STRING_EQUALS_IF_EXISTS)) {
            String account = SecurityStack.newAccount();
            IntegrationRequestPublisher.Published integration = stack.request(SecurityStack.newTenant("loose"),
                    Optional.empty());
            String roleArn = "arn:aws:iam::" + account + ":role/" + integration.roleName();
            stack.sts().trust(roleArn, condition, condition == StsStandIn.Condition.STRING_LIKE ? "onb-*"
                    : integration.externalId());

            SecurityForgedRequest.Sent create = stack.forge(StackLaunch.Type.Create, integration.externalId(), account)
                    .roleName(integration.roleName()).send();

            CloudFormationAnswer answer = stack.awaitAnswer(create.requestId());
            assertThat(answer.status()).as(condition.name()).isEqualTo("FAILED");
            assertThat(answer.reason()).as(condition.name()).startsWith("ROLE_TRUSTS_WITHOUT_EXTERNAL_ID")
                    .contains(roleArn);
            JsonNode state = stack.awaitStatus(integration.integrationId(), "PENDING");
            assertThat(state.path("lastFailureReason").asText()).startsWith("ROLE_TRUSTS_WITHOUT_EXTERNAL_ID");
        }
    }

    @Test
    void aRoleTrustingSeveralExactIdsConnects() {
        IntegrationRequestPublisher.Published integration = stack.request(SecurityStack.newTenant("list"),
                Optional.empty());
        String account = SecurityStack.newAccount();
        stack.sts().trust("arn:aws:iam::" + account + ":role/" + integration.roleName(), new ExternalIds().mint());
        stack.connect(integration, account);
    }

    @Test
    void aRoleNameOtherThanTheIntegrationsIsRefusedWithoutAnyStsCall() {
        IntegrationRequestPublisher.Published integration = stack.request(SecurityStack.newTenant("renamed"),
                Optional.empty());
        String account = SecurityStack.newAccount();
        String roleArn = "arn:aws:iam::" + account + ":role/SomeOtherRole";
        stack.sts().trust(roleArn, integration.externalId());

        SecurityForgedRequest.Sent create = stack.forge(StackLaunch.Type.Create, integration.externalId(), account)
                .roleName("SomeOtherRole").send();

        CloudFormationAnswer answer = stack.awaitAnswer(create.requestId());
        assertThat(answer.status()).isEqualTo("FAILED");
        assertThat(answer.reason()).startsWith("ROLE_NAME_MISMATCH");
        assertThat(stack.sts().assumeRoleCalls(roleArn)).isZero();
    }

    @Test
    void createsForUnknownExternalIdsCauseNoStsCallWhateverTheirStackClaims() {
        String victim = SecurityStack.newAccount();
        String roleArn = "arn:aws:iam::" + victim + ":role/" + SecurityStack.ROLE_NAME;
        stack.sts().trust(roleArn, StsStandIn.Condition.NONE, null); // a role anyone could assume
        List<String> requestIds = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            requestIds.add(stack.forge(StackLaunch.Type.Create, new ExternalIds().mint(), victim).send().requestId());
        }

        for (String requestId : requestIds) {
            CloudFormationAnswer answer = stack.awaitAnswer(requestId);
            assertThat(answer.status()).isEqualTo("FAILED");
            assertThat(answer.reason()).contains("unknown or expired external ID");
        }
        assertThat(stack.sts().assumeRoleCalls(roleArn)).as("AssumeRole calls counted at the stand-in").isZero();
    }

    @Test
    void aFloodReusingOneLeakedExternalIdDoesNotSlowAnotherTenantsVerification() {
        // No flood: how long a genuine verification takes here, from the processor's request to the result.
        List<Long> quiet = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            quiet.add(genuineVerificationMillis());
        }
        long p99 = quiet.stream().mapToLong(Long::longValue).max().orElseThrow();

        IntegrationRequestPublisher.Published leaked = stack.request(SecurityStack.newTenant("leaked"),
                Optional.empty());
        List<String> forgedRoles = new ArrayList<>();
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String account = SecurityStack.newAccount();
            forgedRoles.add("arn:aws:iam::" + account + ":role/" + leaked.roleName());
            batch.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(stack.forge(
                    StackLaunch.Type.Create, leaked.externalId(), account).roleName(leaked.roleName()).body())
                    .build());
            if (batch.size() == 10) {
                List<SendMessageBatchRequestEntry> entries = List.copyOf(batch);
                stack.sqs().sendMessageBatch(b -> b.queueUrl(stack.queueUrl()).entries(entries));
                batch.clear();
            }
            if (i == 1_000) {
                // Half the flood is in: the other tenant's customer launches the stack now.
                long during = genuineVerificationMillis();
                assertThat(during).as("verification during the flood (no-flood p99 %d ms)", p99)
                        .isLessThanOrEqualTo(p99 + 1_000);
            }
        }

        // The leaked ID's integration keeps at most a few verifications in flight: the flood cost few STS calls.
        long forgedCalls = forgedRoles.stream().mapToLong(stack.sts()::assumeRoleCalls).sum();
        assertThat(forgedCalls).as("AssumeRole calls caused by 2,000 forged Creates").isLessThan(200);
        assertThat(stack.integration(leaked.integrationId()).orElseThrow().path("status").asText())
                .isEqualTo("PENDING");
    }

    /** Connects a new integration of a new tenant; returns how long its role's verification took. */
    private long genuineVerificationMillis() {
        IntegrationRequestPublisher.Published genuine = stack.request(SecurityStack.newTenant("genuine"),
                Optional.empty());
        stack.connect(genuine, SecurityStack.newAccount());
        return tail.verificationMillis(genuine.externalId());
    }

    /** Reads the verification requests and results, to time each verification from the request to the result. */
    private static final class VerificationTail implements AutoCloseable {
        private final Map<String, Long> asked = new ConcurrentHashMap<>();
        private final Map<String, Long> answered = new ConcurrentHashMap<>();
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Topic<String, RoleVerificationRequest> requests;
        private final Topic<String, RoleVerificationResult> results;

        VerificationTail(SecurityStack stack) {
            requests = stack.catalog().roleVerifications();
            results = stack.catalog().roleVerificationResults();
            Map<String, Object> props = KafkaSettings.of(stack.environment().kafka().bootstrapServers())
                    .clientProperties();
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(requests.name(), results.name())) {
                consumer.partitionsFor(topic, Duration.ofSeconds(60))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // Resolve the end now: a lazy seek would skip what the first verification writes.
            partitions.forEach(consumer::position);
        }

        long verificationMillis(String externalId) {
            await("the verification of " + ExternalIds.redact(externalId)).atMost(SecurityStack.PATIENCE)
                    .pollInterval(Duration.ZERO).until(() -> {
                        poll();
                        return asked.containsKey(externalId) && answered.containsKey(externalId);
                    });
            return answered.get(externalId) - asked.get(externalId);
        }

        private void poll() {
            consumer.poll(Duration.ofMillis(100)).forEach(record -> {
                if (record.topic().equals(requests.name())) {
                    RoleVerificationRequest request = requests.valueSerde().deserializer()
                            .deserialize(record.topic(), record.value());
                    asked.putIfAbsent(request.getExternalId(), request.getRequestedAt().toEpochMilli());
                } else {
                    RoleVerificationResult result = results.valueSerde().deserializer()
                            .deserialize(record.topic(), record.value());
                    if (result.getVerification().getOutcome() == RoleVerificationOutcome.VERIFIED) {
                        answered.putIfAbsent(result.getExternalId(),
                                result.getVerification().getVerifiedAt().toEpochMilli());
                    }
                }
            });
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
