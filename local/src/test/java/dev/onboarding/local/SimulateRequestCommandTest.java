package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.RegistrySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate request}: the event on the topic and the link for the customer, as {@code request} makes them. */
class SimulateRequestCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "onboarding.integration-requests";

    private static StandInStack stack;
    private static final Map<String, IntegrationRequested> produced = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        stack = new StandInStack();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void simulateRequestProducesADecodableEventAndPrintsIt() throws Exception {
        StandInStack.Endpoints endpoints = stack.endpointsWithFreshQueue(dir);

        CommandRun run = CommandRun.of("simulate", "request", "--endpoints-file", endpoints.file().toString(),
                "--tenant", "acme", "--expected-account", "123456789012", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = JSON.readTree(run.out());
        assertThat(fieldNames(result)).containsExactly("integrationId", "tenantId",
                "externalId", "roleName", "kind", "quickCreateUrl");
        assertThat(result.get("kind").asText()).isEqualTo("ACCOUNT");
        String integrationId = result.get("integrationId").asText();
        IntegrationRequested event = awaitEvent(integrationId);
        assertThat(event.getTenantId()).isEqualTo("acme").isEqualTo(result.get("tenantId").asText());
        assertThat(event.getExternalId()).isEqualTo(result.get("externalId").asText());
        assertThat(ExternalIds.isMintedFormat(event.getExternalId())).isTrue();
        assertThat(event.getRoleName()).isEqualTo("OnboardingIntegrationRole").isEqualTo(result.get("roleName").asText());
        assertThat(event.getExpectedAccountId()).isEqualTo("123456789012");
        assertThat(event.getName()).isEqualTo("AWS account of acme");
        assertThat(Duration.between(event.getRequestedAt(), event.getExpiresAt())).isEqualTo(Duration.ofHours(24));
        assertThat(result.get("quickCreateUrl").asText())
                .startsWith("https://console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/quickcreate?")
                .contains("&param_ExternalID=" + event.getExternalId())
                .contains("&param_ProviderAccountId=111122223333")
                .contains("&param_ProviderTopicName=onboarding-callbacks");
        assertThat(run.err()).as("logs never show the external ID").doesNotContain(event.getExternalId());
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsProduced() {
        StandInStack.Endpoints endpoints = stack.endpointsWithFreshQueue(dir);

        CommandRun badRole = CommandRun.of("simulate", "request", "--endpoints-file", endpoints.file().toString(),
                "--tenant", "acme", "--role-name", "has spaces");
        CommandRun badAccount = CommandRun.of("simulate", "request", "--endpoints-file", endpoints.file().toString(),
                "--tenant", "acme", "--expected-account", "12345");

        assertThat(badRole.exitCode()).isEqualTo(1);
        assertThat(badRole.err()).startsWith("error: --role-name must be an IAM role name");
        assertThat(badAccount.exitCode()).isEqualTo(1);
        assertThat(badAccount.err()).startsWith("error: --expected-account must be a 12-digit AWS account id");
    }

    @Test
    void helpListsTheCustomerAndAwsSideCommands() {
        CommandRun help = CommandRun.of("--help");
        CommandRun simulate = CommandRun.of("simulate", "--help");

        assertThat(help.out()).contains("request", "simulate", "status", "demo");
        assertThat(simulate.out()).contains("request", "launch-stack");
    }

    /** Reads the requests topic from the beginning until the event for {@code integrationId} shows up. */
    private static IntegrationRequested awaitEvent(String integrationId) {
        AvroSerde<IntegrationRequestEvent> serde = AvroSerde.forValues(IntegrationRequestEvent.class,
                SchemaRegistries.connect(RegistrySettings.of(StandInStack.REGISTRY_URL)), false);
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    IntegrationRequestEvent event = serde.deserialize(TOPIC, r.value());
                    IntegrationRequested requested = (IntegrationRequested) event.getEvent();
                    assertThat(r.key()).isEqualTo(requested.getIntegrationId());
                    produced.put(r.key(), requested);
                });
                return produced.containsKey(integrationId);
            });
        }
        return produced.get(integrationId);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
