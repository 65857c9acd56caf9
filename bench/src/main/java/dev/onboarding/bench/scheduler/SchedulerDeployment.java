package dev.onboarding.bench.scheduler;

import dev.onboarding.config.Settings;
import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.scheduler.JobCatalog;
import dev.onboarding.scheduler.SchedulerApp;
import dev.onboarding.scheduler.SchedulerConfig;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One scheduler deployment on the benchmark's broker: its own topics, application id, registry scope and
 * state directory, a way to seed connected integrations, and the output topic's end offsets.
 */
final class SchedulerDeployment implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final String prefix;
    private final int partitions;
    private final String registryScope;
    private final Path stateDir;
    private final Map<String, String> settings = new HashMap<>();

    SchedulerDeployment(EmbeddedKafka kafka, String name, int partitions, Map<String, String> extraSettings) {
        this.kafka = kafka;
        this.prefix = "bench-" + name + "-" + UUID.randomUUID().toString().substring(0, 6);
        this.partitions = partitions;
        this.registryScope = prefix;
        try {
            this.stateDir = Files.createTempDirectory(prefix + "-state-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        createTopic(kafka, integrationsTopic(), partitions);
        createTopic(kafka, jobsTopic(), partitions);
        settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        settings.put("schema.registry.url", "mock://" + registryScope);
        settings.put("topics.integrations.name", integrationsTopic());
        settings.put("topics.collection-jobs.name", jobsTopic());
        settings.put("topics.partitions", String.valueOf(partitions));
        settings.put("scheduler.dead-letter-topic", prefix + ".dlq");
        settings.put("scheduler.application-id", prefix);
        settings.put("scheduler.state-dir", stateDir.toString());
        settings.putAll(extraSettings);
    }

    /**
     * Creates a topic and waits until its leader answers for every partition. Producing into a partition whose
     * leader is not ready yet can leave an idempotent producer retrying its first batch forever behind later ones
     * (OUT_OF_ORDER_SEQUENCE_NUMBER), which would measure the broker's start-up, not the scheduler.
     */
    static void createTopic(EmbeddedKafka kafka, String topic, int partitions) {
        kafka.createTopic(topic, partitions);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                all.add(new TopicPartition(topic, p));
            }
            // ListOffsets goes to each partition's leader and is retried until that leader serves it.
            consumer.endOffsets(all, Duration.ofSeconds(60));
        }
    }

    String integrationsTopic() {
        return prefix + ".integrations";
    }

    String jobsTopic() {
        return prefix + ".collection-jobs";
    }

    String applicationId() {
        return prefix;
    }

    Path stateDir() {
        return stateDir;
    }

    /** The scheduler config of this deployment with {@code catalog}. */
    SchedulerConfig config(JobCatalog catalog) {
        return SchedulerConfig.from(Settings.of(settings)).withCatalog(catalog);
    }

    /** A new (not started) scheduler instance of this deployment. */
    SchedulerApp app(JobCatalog catalog) {
        return new SchedulerApp(config(catalog));
    }

    /**
     * Publishes {@code count} CONNECTED integrations that connected at {@code connectedAt}: long enough ago, they
     * join the periodic schedule without an INITIAL burst.
     */
    List<String> seed(int count, Instant connectedAt) {
        AvroSerde<Integration> serde = AvroSerde.forValues(Integration.class,
                InMemorySchemaRegistry.scope(registryScope), true);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        List<String> ids = new ArrayList<>(count);
        try (KafkaProducer<String, Integration> producer = new KafkaProducer<>(props, new StringSerializer(),
                serde.serializer())) {
            Future<RecordMetadata> last = null;
            for (int i = 0; i < count; i++) {
                String id = String.format("%s-%07d", prefix, i);
                ids.add(id);
                last = producer.send(new ProducerRecord<>(integrationsTopic(), id, integration(id, connectedAt)));
            }
            producer.flush();
            if (last != null) {
                last.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot seed integrations", e);
        }
        return ids;
    }

    static Integration integration(String id, Instant connectedAt) {
        String account = String.format("%012d", Math.floorMod(id.hashCode(), 1_000_000_000_000L));
        return Integration.newBuilder()
                .setIntegrationId(id)
                .setTenantId("tenant-" + id.substring(id.length() - 4))
                .setExternalId("onb-" + UUID.nameUUIDFromBytes(id.getBytes()).toString().replace("-", ""))
                .setName("bench " + id)
                .setStatus(IntegrationStatus.CONNECTED)
                .setRoleName("OnboardingReadOnly")
                .setAccountId(account)
                .setRoleArn("arn:aws:iam::" + account + ":role/OnboardingReadOnly")
                .setRegion("us-east-1")
                .setTags(Map.of())
                .setRequestedAt(connectedAt.minus(Duration.ofMinutes(5)))
                .setExpiresAt(connectedAt.plus(Duration.ofDays(1)))
                .setConnectedAt(connectedAt)
                .setUpdatedAt(connectedAt)
                .setVersion(3L)
                .build();
    }

    /** A read_committed consumer of every partition of the jobs topic, from the start. */
    KafkaConsumer<String, CollectionJob> jobsConsumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        KafkaConsumer<String, CollectionJob> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                AvroSerde.forValues(CollectionJob.class, InMemorySchemaRegistry.scope(registryScope), true)
                        .deserializer());
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(jobsTopic(), p));
        }
        consumer.assign(all);
        consumer.seekToBeginning(all);
        return consumer;
    }

    /** Sum of the end offsets of the jobs topic (records plus transaction markers). */
    long jobsEndOffset() {
        return endOffsets(jobsTopic(), partitions);
    }

    /** Sum of the end offsets of a topic of this broker. */
    long endOffsets(String topic, int topicPartitions) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> all = new ArrayList<>();
            for (int p = 0; p < topicPartitions; p++) {
                all.add(new TopicPartition(topic, p));
            }
            return consumer.endOffsets(all, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue)
                    .sum();
        }
    }

    /** Bytes on disk under the state directory (RocksDB files and checkpoints). */
    long stateBytes() {
        return directoryBytes(stateDir);
    }

    static long directoryBytes(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the local state, so the next instance restores everything from the changelogs. */
    void wipeState() {
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(stateDir)).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        InMemorySchemaRegistry.drop(registryScope);
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a temp directory.
        }
    }
}
