package dev.onboarding.api.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.embedded.ApicurioRegistry;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RocksDB copy of the integrations topic against a real broker and registry. */
class IntegrationReplicaTest {
    private static final EmbeddedKafka KAFKA = EmbeddedKafka.shared();
    private static SchemaRegistry registry;
    private static KafkaProducer<String, byte[]> producer;

    @TempDir
    Path dir;

    @BeforeAll
    static void connect() {
        registry = SchemaRegistries.connect(RegistrySettings.of(ApicurioRegistry.shared().confluentApiUrl()));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void close() {
        producer.close();
        registry.close();
    }

    @Test
    void followsStatesTombstonesAndUnreadableRecordsAndHearsEveryChange() {
        Topic<String, Integration> topic = newTopic(3);
        Integration first = state("t1", "int-1", IntegrationStatus.PENDING, 1, 1_000);
        send(topic, first);
        try (IntegrationReplica replica = replica(topic, dir)) {
            List<String> heard = new CopyOnWriteArrayList<>();
            replica.addListener((id, state) -> heard.add(id + "=" + (state == null ? "gone" : state.getVersion())));
            replica.start();
            await().atMost(Duration.ofSeconds(30)).until(replica::isCaughtUp);
            assertThat(replica.get("int-1")).contains(first);
            assertThat(replica.restoreTime()).isPresent();

            send(topic, state("t1", "int-1", IntegrationStatus.CONNECTED, 2, 1_000));
            sendRaw(topic, "int-bad", "not avro".getBytes(StandardCharsets.UTF_8));
            send(topic, state("t1", "int-2", IntegrationStatus.PENDING, 1, 2_000));
            await().atMost(Duration.ofSeconds(30)).until(() -> replica.get("int-2").isPresent()
                    && replica.get("int-1").orElseThrow().getVersion() == 2);

            assertThat(replica.get("int-1").orElseThrow().getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
            assertThat(replica.get("int-bad")).isEmpty();
            assertThat(ids(replica.list("t1", Optional.of(IntegrationStatus.PENDING), 10, Optional.empty())))
                    .containsExactly("int-2");
            assertThat(ids(replica.list("t1", Optional.of(IntegrationStatus.CONNECTED), 10, Optional.empty())))
                    .containsExactly("int-1");

            sendRaw(topic, "int-1", null);
            await().atMost(Duration.ofSeconds(30)).until(() -> replica.get("int-1").isEmpty());
            assertThat(ids(replica.list("t1", Optional.empty(), 10, Optional.empty()))).containsExactly("int-2");
            assertThat(ids(replica.list("t1", Optional.of(IntegrationStatus.CONNECTED), 10, Optional.empty())))
                    .isEmpty();
            assertThat(heard).contains("int-1=2", "int-2=1", "int-1=gone");
        }
    }

    @Test
    void listsPageByPageNewestFirstAndKeepsTenantsApart() {
        Topic<String, Integration> topic = newTopic(3);
        for (int n = 0; n < 7; n++) {
            send(topic, state("a", "int-a" + n, IntegrationStatus.PENDING, 1, 10_000 + n));
        }
        // A tenant whose name starts with another's must not show up in its listing.
        send(topic, state("a2", "int-x", IntegrationStatus.PENDING, 1, 50_000));
        try (IntegrationReplica replica = replica(topic, dir)) {
            replica.start();
            await().atMost(Duration.ofSeconds(30)).until(replica::isCaughtUp);

            List<String> seen = new ArrayList<>();
            Optional<String> cursor = Optional.empty();
            do {
                IntegrationReplica.Page page = replica.list("a", Optional.empty(), 3, cursor);
                seen.addAll(ids(page));
                cursor = page.nextCursor();
            } while (cursor.isPresent());

            assertThat(seen).containsExactly("int-a6", "int-a5", "int-a4", "int-a3", "int-a2", "int-a1", "int-a0");
            assertThat(ids(replica.list("a2", Optional.empty(), 10, Optional.empty()))).containsExactly("int-x");
        }
    }

    @Test
    void aRestartResumesFromItsOffsetsAndARecreatedTopicRebuildsTheCopy() throws Exception {
        Topic<String, Integration> topic = newTopic(2);
        for (int n = 0; n < 20; n++) {
            send(topic, state("r", "int-r" + n, IntegrationStatus.PENDING, 1, n));
        }
        try (IntegrationReplica replica = replica(topic, dir)) {
            replica.start();
            await().atMost(Duration.ofSeconds(30)).until(replica::isCaughtUp);
            assertThat(replica.restoredRecords()).isEqualTo(20);
        }
        send(topic, state("r", "int-r20", IntegrationStatus.PENDING, 1, 20));
        try (IntegrationReplica replica = replica(topic, dir)) {
            replica.start();
            await().atMost(Duration.ofSeconds(30)).until(replica::isCaughtUp);
            assertThat(replica.restoredRecords()).as("only what is new since the last run").isEqualTo(1);
            assertThat(replica.get("int-r0")).isPresent();
        }

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.deleteTopics(List.of(topic.name())).all().get();
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            KAFKA.createTopic(topic.name(), 2);
            return true;
        });
        send(topic, state("r", "int-new", IntegrationStatus.PENDING, 1, 99));
        try (IntegrationReplica replica = replica(topic, dir)) {
            replica.start();
            await().atMost(Duration.ofSeconds(30)).until(replica::isCaughtUp);
            assertThat(replica.get("int-new")).isPresent();
            assertThat(replica.get("int-r0")).as("the old topic's states are gone with it").isEmpty();
        }
    }

    private IntegrationReplica replica(Topic<String, Integration> topic, Path stateDir) {
        return new IntegrationReplica(stateDir, topic.name(), KafkaSettings.of(KAFKA.bootstrapServers()),
                topic.valueSerde().deserializer(), new SimpleMeterRegistry());
    }

    private static Topic<String, Integration> newTopic(int partitions) {
        String name = "replica-" + UUID.randomUUID().toString().substring(0, 8) + ".onboarding.integrations";
        KAFKA.createTopic(name, partitions);
        TopicSettings settings = TopicSettings.from(Settings.of(Map.of("topics.integrations.name", name)));
        return TopicCatalog.create(settings, registry, true).integrations();
    }

    private static void send(Topic<String, Integration> topic, Integration state) {
        sendRaw(topic, state.getIntegrationId(), topic.valueSerde().serializer().serialize(topic.name(), state));
    }

    private static void sendRaw(Topic<String, Integration> topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Integration state(String tenant, String id, IntegrationStatus status, long version,
            long requestedAt) {
        return Integration.newBuilder().setIntegrationId(id).setTenantId(tenant).setExternalId("onb-" + id)
                .setName(id).setStatus(status).setRoleName("Role").setRequestedAt(Instant.ofEpochMilli(requestedAt))
                .setExpiresAt(Instant.ofEpochMilli(requestedAt + 86_400_000)).setUpdatedAt(Instant.now())
                .setVersion(version).build();
    }

    private static List<String> ids(IntegrationReplica.Page page) {
        return page.integrations().stream().map(Integration::getIntegrationId).toList();
    }
}
