package dev.onboarding.scheduler;

import dev.onboarding.config.Settings;
import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/** The scheduler topology in a {@link TopologyTestDriver}, with a wall clock the test advances. */
final class SchedulerDriver implements AutoCloseable {
    /** A fixed start so every run sees the same slots. */
    static final Instant START = Instant.parse("2025-06-02T08:00:00Z");

    /** A job and the wall-clock time of the tick that emitted it. */
    record Emitted(Instant at, CollectionJob job) {
    }

    private final SchedulerConfig config;
    private final TickStatistics statistics = new TickStatistics();
    private final TopologyTestDriver driver;
    private final Path stateDir = tempDir();
    private final TestInputTopic<String, Integration> integrations;
    private final TestInputTopic<String, byte[]> rawIntegrations;
    private final TestOutputTopic<String, CollectionJob> jobs;
    private final TestOutputTopic<String, DeadLetter> deadLetters;
    private final TestOutputTopic<String, RoleVerificationRequest> verifications;
    private Instant now;

    private SchedulerDriver(SchedulerConfig config, Instant start) {
        this.config = config;
        this.now = start;
        String scope = "scheduler-ttd-" + UUID.randomUUID();
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
        TopicCatalog topics = TopicCatalog.create(config.topics(), registry, true);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scheduler-ttd-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(SchedulingTopology.build(config, registry, statistics), props, start);
        integrations = driver.createInputTopic(topics.integrations().name(), new StringSerializer(),
                topics.integrations().valueSerde().serializer());
        rawIntegrations = driver.createInputTopic(topics.integrations().name(), new StringSerializer(),
                new ByteArraySerializer());
        jobs = driver.createOutputTopic(topics.collectionJobs().name(), new StringDeserializer(),
                topics.collectionJobs().valueSerde().deserializer());
        verifications = driver.createOutputTopic(topics.roleVerifications().name(), new StringDeserializer(),
                topics.roleVerifications().valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(config.deadLetterTopic(), new StringDeserializer(),
                AvroSerde.forValues(DeadLetter.class, registry, true).deserializer());
    }

    /** A driver for {@code catalog} and the given extra settings, starting at {@link #START}. */
    static SchedulerDriver start(JobCatalog catalog, Map<String, String> settings) {
        return start(catalog, settings, START);
    }

    /** A driver for {@code catalog} and the given extra settings, starting at {@code start}. */
    static SchedulerDriver start(JobCatalog catalog, Map<String, String> settings, Instant start) {
        return new SchedulerDriver(config(settings).withCatalog(catalog), start);
    }

    /** The config the driver would use for {@code settings}. */
    static SchedulerConfig config(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>();
        all.put("kafka.bootstrap.servers", "unused:9092");
        all.put("schema.registry.url", "mock://unused");
        all.putAll(settings);
        return SchedulerConfig.from(Settings.of(all));
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("scheduler-ttd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SchedulerConfig config() {
        return config;
    }

    CollectionPlan plan() {
        return config.plan();
    }

    TickStatistics statistics() {
        return statistics;
    }

    Instant now() {
        return now;
    }

    /** Sends an integration record at the current wall-clock time. */
    void send(Integration integration) {
        integrations.pipeInput(integration.getIntegrationId(), integration, now);
    }

    /** Sends raw bytes under {@code key} (a null value is a tombstone). */
    void sendRaw(String key, byte[] value) {
        rawIntegrations.pipeInput(key, value, now);
    }

    /** Advances the wall clock by {@code total} in one-second ticks, returning what each tick emitted. */
    List<Emitted> advance(Duration total) {
        return advance(total, Duration.ofSeconds(1));
    }

    /** Advances the wall clock by {@code total} in steps of {@code step}, returning what each step emitted. */
    List<Emitted> advance(Duration total, Duration step) {
        List<Emitted> out = new ArrayList<>();
        Instant end = now.plus(total);
        while (now.isBefore(end)) {
            Duration next = Duration.between(now, end).compareTo(step) < 0 ? Duration.between(now, end) : step;
            driver.advanceWallClockTime(next);
            now = now.plus(next);
            for (CollectionJob job : jobs.readValuesToList()) {
                out.add(new Emitted(now, job));
            }
        }
        return out;
    }

    /** Role re-verification requests written since the last read, with their keys. */
    List<KeyValue<String, RoleVerificationRequest>> drainVerifications() {
        return verifications.readKeyValuesToList();
    }

    /** Jobs emitted since the last read (for example the INITIAL burst of a connection). */
    List<CollectionJob> drainJobs() {
        return jobs.readValuesToList();
    }

    /** Dead letters emitted since the last read. */
    List<DeadLetter> drainDeadLetters() {
        return deadLetters.readValuesToList();
    }

    DueIndex index() {
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(SchedulingTopology.INDEX_STORE);
        return new DueIndex(store);
    }

    KeyValueStore<String, ConnectedAccount> accounts() {
        return driver.getKeyValueStore(SchedulingTopology.ACCOUNTS_STORE);
    }

    @Override
    public void close() {
        driver.close();
        // The driver leaves its state directory behind.
        try (java.util.stream.Stream<Path> paths = Files.walk(stateDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
