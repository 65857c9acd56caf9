package dev.onboarding.processor;

import dev.onboarding.config.Settings;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.processor.ledger.PendingIntegrations;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicDefinition;
import dev.onboarding.schemas.topics.TopicSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One test's slice of the shared embedded broker: uniquely named topics (created with the catalog's
 * settings), a unique application id and state dir, the settings a processor needs, and clients to feed
 * inputs and read outputs the way downstream consumers do ({@code read_committed}).
 */
final class BrokerFixture implements AutoCloseable {
    final EmbeddedKafka kafka = EmbeddedKafka.shared();
    final String id = "p" + UUID.randomUUID().toString().substring(0, 8);
    final Map<String, String> settings = new LinkedHashMap<>();
    final TopicCatalog catalog;
    final SchemaRegistry registry;
    private final List<Path> dirs = new ArrayList<>();
    private KafkaProducer<String, byte[]> producer;
    private final VerifierStandIn verifier;

    /**
     * @param registryUrl {@code mock://...} for processors in this JVM, a real registry for child JVMs
     * @param partitions partitions of every topic
     */
    BrokerFixture(String registryUrl, int partitions) {
        settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        settings.put("schema.registry.url", registryUrl);
        settings.put("topics.partitions", Integer.toString(partitions));
        for (TopicDefinition def : TopicDefinition.values()) {
            settings.put("topics." + def.id() + ".name", id + "." + def.defaultName());
        }
        settings.put("processor.application-id", "processor-" + id);
        settings.put("processor.http.bind-address", "127.0.0.1");
        settings.put("processor.http.port", "0");
        settings.put("processor.standby-replicas", "0");
        settings.put("processor.callback-grace", "5s");
        // A killed instance leaves the group quickly (the broker's minimum).
        settings.put("kafka.session.timeout.ms", "6000");
        settings.put("kafka.heartbeat.interval.ms", "1500");
        Settings parsed = Settings.of(settings);
        registry = SchemaRegistries.connect(RegistrySettings.from(parsed));
        TopicSettings topics = TopicSettings.from(parsed);
        catalog = TopicCatalog.create(topics, registry, true);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            new TopicCreator(admin, 60_000).createAll(topics);
        }
        verifier = new VerifierStandIn(kafka.bootstrapServers(), catalog);
    }

    /** Settings of one processor instance with its own state dir. */
    Settings instanceSettings() {
        Map<String, String> instance = new LinkedHashMap<>(settings);
        instance.put("processor.state-dir", newDir("state-").toString());
        return Settings.of(instance);
    }

    Path newDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory("processor-" + prefix);
            dirs.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void send(IntegrationRequestEvent event) {
        send(catalog.integrationRequests(), PendingIntegrations.integrationIdOf(event), event);
    }

    void send(CfnCallback callback) {
        send(catalog.cfnCallbacks(), callback.getExternalId(), callback);
    }

    void sendRaw(String topic, String key, byte[] value) {
        producer().send(new ProducerRecord<>(topic, key, value));
        producer().flush();
    }

    <V> void send(Topic<String, V> topic, String key, V value) {
        producer().send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer()
                .serialize(topic.name(), value)));
        producer().flush();
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /** A read_committed reader of {@code topic} from its beginning. */
    <V> Reader<V> reader(Topic<String, V> topic) {
        return new Reader<>(topic);
    }

    @Override
    public void close() {
        verifier.close();
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        for (Path dir : dirs) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // Best effort.
            }
        }
    }

    /** Accumulates every committed record of one topic. */
    final class Reader<V> implements AutoCloseable {
        private final Topic<String, V> topic;
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, V>> seen = new ArrayList<>();

        Reader(Topic<String, V> topic) {
            this.topic = topic;
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic.name(), info.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Polls once and returns everything seen so far. */
        synchronized List<ConsumerRecord<String, V>> poll() {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                seen.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
                        r.serializedKeySize(), r.serializedValueSize(), r.key(),
                        topic.valueSerde().deserializer().deserialize(r.topic(), r.value()), r.headers(),
                        r.leaderEpoch()));
            }
            return List.copyOf(seen);
        }

        /** Values seen so far. */
        List<V> values() {
            return poll().stream().map(ConsumerRecord::value).collect(Collectors.toList());
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
