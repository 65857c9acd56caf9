package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code request}: the event on the topic and the link for the customer. */
class RequestCommandsTest {
    private static final String TOPIC = "onboarding.integration-requests";
    private static final String REGISTRY_URL = "mock://cli-request-tests";
    private static final EmbeddedKafka KAFKA = EmbeddedKafka.shared();
    private static final Map<String, IntegrationRequested> produced = new ConcurrentHashMap<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void createTopics() {
        TopicCreator.createAll(KafkaSettings.of(KAFKA.bootstrapServers()), TopicSettings.defaults());
    }

    @Test
    void requestReadsItsConfigAndCarriesEveryField() throws Exception {
        Path config = dir.resolve("request.properties");
        Files.writeString(config, String.join("\n",
                "kafka.bootstrap.servers=" + KAFKA.bootstrapServers(),
                "schema.registry.url=" + REGISTRY_URL,
                "request.template-url=https://templates.example.com/onboarding/customer.json",
                "request.provider-account-id=444455556666",
                "request.topic-name=acme-callbacks",
                "request.ttl=2h",
                "request.console-region=eu-west-1", ""));

        CommandRun run = CommandRun.of("request", "--config", config.toString(), "--tenant", "globex",
                "--role-name", "GlobexReader", "--name", "Globex prod", "--description", "the big one",
                "--tag", "env=prod", "--tag", "team=core");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String integrationId = run.out().lines().findFirst().orElseThrow().split(" ")[1];
        IntegrationRequested event = awaitEvent(integrationId);
        assertThat(event.getTenantId()).isEqualTo("globex");
        assertThat(event.getRoleName()).isEqualTo("GlobexReader");
        assertThat(event.getName()).isEqualTo("Globex prod");
        assertThat(event.getDescription()).isEqualTo("the big one");
        assertThat(event.getTags()).containsExactlyInAnyOrderEntriesOf(Map.of("env", "prod", "team", "core"));
        assertThat(event.getExpectedAccountId()).isNull();
        assertThat(Duration.between(event.getRequestedAt(), event.getExpiresAt())).isEqualTo(Duration.ofHours(2));
        assertThat(run.out()).contains("external ID   " + event.getExternalId())
                .contains("https://console.aws.amazon.com/cloudformation/home?region=eu-west-1#/stacks/quickcreate?"
                        + "templateURL=https%3A%2F%2Ftemplates.example.com%2Fonboarding%2Fcustomer.json"
                        + "&stackName=Onboarding-" + integrationId
                        + "&param_ExternalID=" + event.getExternalId()
                        + "&param_RoleName=GlobexReader&param_ProviderAccountId=444455556666"
                        + "&param_ProviderTopicName=acme-callbacks");
    }

    @Test
    void anOrganizationRequestCarriesItsKindAndPrintsTheStackSetCommands() throws Exception {
        Path config = dir.resolve("organization.properties");
        Files.writeString(config, String.join("\n",
                "kafka.bootstrap.servers=" + KAFKA.bootstrapServers(),
                "schema.registry.url=" + REGISTRY_URL,
                "request.template-url=https://templates.example.com/onboarding/customer.json",
                "request.organization-template-url=https://templates.example.com/onboarding/organization.json",
                "request.provider-account-id=444455556666",
                "request.console-region=eu-west-1", ""));

        CommandRun run = CommandRun.of("request", "--config", config.toString(), "--tenant", "globex",
                "--role-name", "GlobexReader", "--organization", "--expected-organization-id", "o-a1b2c3d4e5",
                "--organizational-unit", "ou-ab12-34cd56ef", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(run.out());
        assertThat(json.path("kind").asText()).isEqualTo("ORGANIZATION");
        assertThat(json.has("quickCreateUrl")).isFalse();
        assertThat(json.at("/stackSet/templateUrl").asText())
                .isEqualTo("https://templates.example.com/onboarding/organization.json");
        assertThat(json.at("/stackSet/createStackSet").asText()).contains("--permission-model SERVICE_MANAGED",
                "--auto-deployment Enabled=true", "--region eu-west-1");
        assertThat(json.at("/stackSet/createStackInstances").asText())
                .contains("OrganizationalUnitIds=ou-ab12-34cd56ef", "--regions eu-west-1");
        IntegrationRequested event = awaitEvent(json.path("integrationId").asText());
        assertThat(event.getKind()).isEqualTo(dev.onboarding.contract.IntegrationKind.ORGANIZATION);
        assertThat(event.getExpectedOrganizationId()).isEqualTo("o-a1b2c3d4e5");
        assertThat(event.getOrganizationalUnitIds()).containsExactly("ou-ab12-34cd56ef");

        CommandRun withoutId = CommandRun.of("request", "--config", config.toString(), "--tenant", "globex",
                "--role-name", "GlobexReader", "--organization");
        assertThat(withoutId.exitCode()).isEqualTo(1);
        assertThat(withoutId.err()).contains("--expected-organization-id");
    }

    @Test
    void requestWithoutTheTemplateUrlNamesTheKey() throws Exception {
        Path config = dir.resolve("incomplete.properties");
        Files.writeString(config, "kafka.bootstrap.servers=" + KAFKA.bootstrapServers() + "\n"
                + "schema.registry.url=" + REGISTRY_URL + "\nrequest.provider-account-id=444455556666\n");

        CommandRun run = CommandRun.of("request", "--config", config.toString(), "--tenant", "t", "--role-name", "R");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("error: config request.template-url is required")
                .doesNotContain("\n");
    }

    /** Reads the requests topic from the beginning until the event for {@code integrationId} shows up. */
    private static IntegrationRequested awaitEvent(String integrationId) {
        AvroSerde<IntegrationRequestEvent> serde = AvroSerde.forValues(IntegrationRequestEvent.class,
                SchemaRegistries.connect(RegistrySettings.of(REGISTRY_URL)), false);
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
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
}
