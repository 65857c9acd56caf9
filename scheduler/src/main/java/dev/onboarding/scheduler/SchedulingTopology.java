package dev.onboarding.scheduler;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the scheduler's topology: integrations in, one {@link JobScheduler} per partition with its three stores,
 * collection jobs, role re-verification requests and dead letters out.
 */
public final class SchedulingTopology {
    /** Source node reading {@code onboarding.integrations}. */
    public static final String SOURCE = "integrations";
    /** The scheduling processor. */
    public static final String SCHEDULER = "job-scheduler";
    /** Sink node writing {@code onboarding.collection-jobs}. */
    public static final String JOBS_SINK = "collection-jobs";
    /** Sink node writing re-verification requests to {@code onboarding.role-verifications}. */
    public static final String VERIFICATIONS_SINK = "role-verifications";
    /** Sink node writing the scheduler's dead letters. */
    public static final String DEAD_LETTERS_SINK = "dead-letters";
    /** Store of the CONNECTED integrations (key integration id). */
    public static final String ACCOUNTS_STORE = "scheduler-connected-accounts";
    /** Store of the due index (see {@link DueIndex}). */
    public static final String INDEX_STORE = "scheduler-due-index";
    /** Store of the re-verification due index (see {@link Reverification}). */
    public static final String REVERIFICATION_STORE = "scheduler-reverification-index";

    private SchedulingTopology() {
    }

    /** The topology for {@code config}, with serdes on {@code registry}, counting into {@code statistics}. */
    public static Topology build(SchedulerConfig config, SchemaRegistry registry, TickStatistics statistics) {
        TopicCatalog topics = TopicCatalog.create(config.topics(), registry, config.registry().autoRegister());
        AvroSerde<DeadLetter> deadLetters = AvroSerde.forValues(DeadLetter.class, registry,
                config.registry().autoRegister());
        Topic<String, Integration> integrations = topics.integrations();
        Topic<String, CollectionJob> jobs = topics.collectionJobs();
        CollectionPlan plan = config.plan();

        Topology topology = new Topology();
        // 1. Integrations arrive as raw bytes so a record that does not decode is dead-lettered, not fatal.
        topology.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                integrations.name());
        // 2. One scheduler per partition: connects, disconnects, and a wall-clock tick over its due index.
        topology.addProcessor(SCHEDULER, () -> new JobScheduler(integrations.name(),
                integrations.valueSerde().deserializer(), jobs.name(), jobs.valueSerde().serializer(), plan, config,
                statistics), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ACCOUNTS_STORE),
                Serdes.String(), ConnectedAccount.serde()), SCHEDULER);
        // Every emitted slot moves an index entry (three changelog records), so the index changelog churns: small
        // segments let compaction keep up, which bounds what a restore has to read.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INDEX_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingEnabled(Map.of(
                        TopicConfig.SEGMENT_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024),
                        TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(Duration.ofHours(1).toMillis()))), SCHEDULER);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REVERIFICATION_STORE),
                Serdes.Bytes(), Serdes.ByteArray()), SCHEDULER);
        // 3. Jobs keyed by integration id, already encoded in the topic's format; unusable integration records to the
        //    dead-letter topic.
        topology.addSink(JOBS_SINK, jobs.name(), jobs.keySerde().serializer(), new ByteArraySerializer(), SCHEDULER);
        topology.addSink(DEAD_LETTERS_SINK, config.deadLetterTopic(), Serdes.String().serializer(),
                deadLetters.serializer(), SCHEDULER);
        // 4. Re-verifications of the connected roles, keyed by external ID (the verifier's results go back to the
        //    processor task that owns it).
        topology.addSink(VERIFICATIONS_SINK, topics.roleVerifications().name(), Serdes.String().serializer(),
                topics.roleVerifications().valueSerde().serializer(), SCHEDULER);
        return topology;
    }

    /** The topology description (for {@code onboarding topology scheduler}) under the default configuration. */
    public static String description() {
        return description(Settings.of(Map.of()));
    }

    /** The topology description under {@code settings} (Kafka and registry settings are not needed). */
    public static String description(Settings settings) {
        Settings complete = settings.with(Map.of(
                KafkaSettings.PREFIX + "bootstrap.servers", settings.string("kafka.bootstrap.servers", "unused:9092"),
                "schema.registry.url", settings.string("schema.registry.url", "mock://topology-description")));
        SchedulerConfig config = SchedulerConfig.from(complete);
        return build(config, InMemorySchemaRegistry.scope("topology-description"), new TickStatistics()).describe()
                .toString();
    }
}
