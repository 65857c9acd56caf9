package dev.onboarding.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.config.Settings;
import dev.onboarding.embedded.ApicurioRegistry;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.schemas.serde.ConfluentWireFormat;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.RestSchemaRegistry;
import dev.onboarding.schemas.topics.TopicCreator.Action;
import dev.onboarding.schemas.topics.TopicCreator.Outcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog on a real broker and a real registry: every topic created with its configs (idempotently),
 * then one record of each type written through the catalog's serdes and read back by a plain consumer.
 */
class CatalogOnBrokerTest {
    private static final long TIMEOUT_MS = 60_000;

    private static EmbeddedKafka kafka;
    private static String registryUrl;
    private static Admin admin;
    private static TopicSettings settings;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.shared();
        registryUrl = ApicurioRegistry.shared().confluentApiUrl();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
        // A unique prefix per run: the broker is shared with every other test of this JVM.
        String prefix = "catalog-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Map<String, String> names = new HashMap<>();
        for (TopicDefinition definition : TopicDefinition.values()) {
            names.put("topics." + definition.id() + ".name", prefix + definition.defaultName());
        }
        names.put("topics.partitions", "2");
        names.put("topics.integrations.partitions", "1");
        settings = TopicSettings.from(Settings.of(names));
    }

    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void createsEveryTopicWithItsConfigsIdempotentlyThenCarriesOneRecordOfEachType() throws Exception {
        TopicCreator creator = new TopicCreator(admin, TIMEOUT_MS);

        List<Outcome> first = creator.createAll(settings);

        assertThat(first).extracting(Outcome::action).containsOnly(Action.CREATED)
                .hasSize(TopicDefinition.values().length);
        assertTopicsOnBroker();
        assertThat(creator.createAll(settings)).extracting(Outcome::action).containsOnly(Action.UNCHANGED);

        // Drifted configs are corrected; a partition count that differs is reported, never changed.
        String jobs = settings.name(TopicDefinition.COLLECTION_JOBS);
        ConfigResource jobsResource = new ConfigResource(ConfigResource.Type.TOPIC, jobs);
        admin.incrementalAlterConfigs(Map.of(jobsResource, List.of(new AlterConfigOp(
                new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)))).all().get();
        // The controller has the change; the broker that describes configs applies it a moment later.
        await().atMost(Duration.ofSeconds(30)).until(() -> configsOf(jobs).get("retention.ms").value().equals("1000"));
        List<Outcome> third = creator.createAll(settings);
        assertThat(third).filteredOn(o -> o.topic().equals(jobs)).extracting(Outcome::action)
                .containsExactly(Action.RECONFIGURED);
        assertThat(third).filteredOn(o -> !o.topic().equals(jobs)).extracting(Outcome::action)
                .containsOnly(Action.UNCHANGED);
        assertThat(configsOf(jobs).get("retention.ms").value())
                .isEqualTo(Long.toString(Duration.ofDays(7).toMillis()));
        TopicSettings morePartitions = TopicSettings.from(Settings.of(Map.of(
                "topics.collection-jobs.name", jobs, "topics.collection-jobs.partitions", "4")));
        assertThat(creator.create(List.of(morePartitions.spec(TopicDefinition.COLLECTION_JOBS))))
                .singleElement().satisfies(outcome -> {
                    assertThat(outcome.action()).isEqualTo(Action.PARTITIONS_DIFFER);
                    assertThat(outcome.detail()).isEqualTo("has 2 partitions, config says 4 (left as is)");
                });

        writeAndReadOneRecordPerTopic();
    }

    private void assertTopicsOnBroker() throws Exception {
        Set<String> names = new HashSet<>();
        settings.all().forEach(spec -> names.add(spec.name()));
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
        for (TopicSpec spec : settings.all()) {
            assertThat(described.get(spec.name()).partitions()).as(spec.name()).hasSize(spec.partitions());
            Config configs = configsOf(spec.name());
            if (spec.definition() == TopicDefinition.INTEGRATIONS) {
                assertThat(configs.get("cleanup.policy").value()).isEqualTo("compact");
            } else {
                assertThat(configs.get("cleanup.policy").value()).as(spec.name()).isEqualTo("delete");
                assertThat(configs.get("retention.ms").value()).as(spec.name())
                        .isEqualTo(Long.toString(spec.definition().defaultRetention().retention().toMillis()));
            }
        }
        assertThat(settings.spec(TopicDefinition.CFN_CALLBACKS_DLQ).retention()).isEqualTo(Duration.ofDays(14));
    }

    private static Config configsOf(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }

    private void writeAndReadOneRecordPerTopic() throws Exception {
        RestSchemaRegistry writerRegistry = new RestSchemaRegistry(RegistrySettings.of(registryUrl));
        TopicCatalog catalog = TopicCatalog.create(settings, writerRegistry, true);
        Map<TopicDefinition, Topic<String, ? extends SpecificRecord>> topics = CatalogTopics.byDefinition(catalog);
        for (Map.Entry<TopicDefinition, Topic<String, ? extends SpecificRecord>> entry : topics.entrySet()) {
            produce(entry.getValue(), entry.getKey().id() + "-key", CatalogTopics.sample(entry.getKey()));
        }

        Map<String, ConsumerRecord<byte[], byte[]>> received = consumeOnePerTopic(topics.values().stream()
                .map(Topic::name).collect(Collectors.toSet()));

        // A reader with its own registry client: ids must resolve through the registry, not a shared cache.
        RestSchemaRegistry readerRegistry = new RestSchemaRegistry(RegistrySettings.of(registryUrl));
        TopicCatalog readerCatalog = TopicCatalog.create(settings, readerRegistry, false);
        for (Map.Entry<TopicDefinition, Topic<String, ? extends SpecificRecord>> entry
                : CatalogTopics.byDefinition(readerCatalog).entrySet()) {
            Topic<String, ? extends SpecificRecord> topic = entry.getValue();
            ConsumerRecord<byte[], byte[]> record = received.get(topic.name());
            SpecificRecord sample = CatalogTopics.sample(entry.getKey());
            assertThat(new String(record.key(), StandardCharsets.UTF_8))
                    .isEqualTo(entry.getKey().id() + "-key");
            assertThat(record.value()[0]).isEqualTo(ConfluentWireFormat.MAGIC_BYTE);
            assertThat(ConfluentWireFormat.schemaId(record.value()))
                    .isEqualTo(writerRegistry.idOf(topic.name() + "-value", sample.getSchema()));
            assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), record.value()))
                    .as(topic.name()).isEqualTo(sample);
        }
        long distinctIds = received.values().stream().map(r -> ConfluentWireFormat.schemaId(r.value())).distinct()
                .count();
        assertThat(readerRegistry.requestsSent()).as("one schema fetch per distinct id").isEqualTo(distinctIds);
        assertThat(subjects()).containsAll(topics.values().stream().map(t -> t.name() + "-value").toList());
    }

    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> void produce(Topic<String, V> topic, String key, SpecificRecord value)
            throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        Serde<V> values = topic.valueSerde();
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(config, topic.keySerde().serializer(),
                values.serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, (V) value)).get();
        }
    }

    private static Map<String, ConsumerRecord<byte[], byte[]>> consumeOnePerTopic(Set<String> names) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, ConsumerRecord<byte[], byte[]>> received = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String name : names) {
                consumer.partitionsFor(name).forEach(p -> partitions.add(new TopicPartition(name, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> assertThat(received.put(r.topic(), r))
                        .as("one record per topic").isNull());
                return received.keySet().equals(names);
            });
        }
        return received;
    }

    private static List<String> subjects() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registryUrl + "/subjects")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> subjects = new ArrayList<>();
        new ObjectMapper().readTree(response.body()).forEach(node -> subjects.add(node.asText()));
        return subjects;
    }
}
