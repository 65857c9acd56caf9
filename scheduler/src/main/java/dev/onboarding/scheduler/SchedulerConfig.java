package dev.onboarding.scheduler;

import dev.onboarding.config.ConfigKeys;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.topics.TopicDefinition;
import dev.onboarding.schemas.topics.TopicSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything the scheduler reads from configuration, parsed and validated once at start-up (the catalog file
 * included); a bad value fails with a {@link SettingsException} naming its key. Keys are listed in
 * {@code docs/scheduler.md}.
 *
 * @param kafka Kafka client settings ({@code kafka.*})
 * @param registry schema registry settings ({@code schema.registry.*})
 * @param topics topic names and settings ({@code topics.*})
 * @param applicationId the Kafka Streams application id: instances sharing it share the work
 * @param stateDir where RocksDB state lives
 * @param catalog the job catalog
 * @param regions the regions regional types are collected in
 * @param homeRegion the region global types are collected in
 * @param tick how often the due index is read
 * @param slotSpacing the least time between two slots of one account's interval class
 * @param deadlinePercent a job's deadline, in percent of its interval after its slot
 * @param initialBurstMaxAge a connection processed later than this after it happened gets no INITIAL burst
 * @param maxJobsPerTick the most PERIODIC jobs one task emits in one punctuation (bounds a transaction)
 * @param streamThreads Kafka Streams threads of this instance
 * @param commitInterval how often Streams commits (the exactly-once transaction length)
 * @param pollTimeout how long a stream thread waits for integration records before it runs its due punctuations
 * @param deadLetterTopic where unusable integration records go
 * @param createTopics whether start-up creates the topics it uses
 * @param closeTimeout how long closing waits for in-flight work
 * @param reverificationInterval how often each CONNECTED integration's role is verified again
 */
public record SchedulerConfig(
        KafkaSettings kafka,
        RegistrySettings registry,
        TopicSettings topics,
        String applicationId,
        Path stateDir,
        JobCatalog catalog,
        List<String> regions,
        String homeRegion,
        Duration tick,
        Duration slotSpacing,
        int deadlinePercent,
        Duration initialBurstMaxAge,
        int maxJobsPerTick,
        int streamThreads,
        Duration commitInterval,
        Duration pollTimeout,
        String deadLetterTopic,
        boolean createTopics,
        Duration closeTimeout,
        Duration reverificationInterval) {

    /** Every key under {@code scheduler.}: another is an error at start-up (README documents each). */
    public static final ConfigKeys CONFIG_KEYS = ConfigKeys.of("scheduler.", "scheduler.application-id",
            "scheduler.state-dir", "scheduler.catalog.file", "scheduler.regions", "scheduler.home-region",
            "scheduler.tick", "scheduler.slot-spacing", "scheduler.deadline-percent",
            "scheduler.initial-burst.max-age", "scheduler.max-jobs-per-tick", "scheduler.stream-threads",
            "scheduler.commit-interval", "scheduler.poll-timeout", "scheduler.dead-letter-topic",
            "scheduler.create-topics", "scheduler.close-timeout", "scheduler.reverification.interval");

    /** Default interval of the re-verification of each connected integration's role. */
    public static final Duration DEFAULT_REVERIFICATION_INTERVAL = Duration.ofHours(6);

    /** The regions enabled by default in a new AWS account (opt-in regions excluded). */
    public static final List<String> DEFAULT_REGIONS = List.of(
            "us-east-1", "us-east-2", "us-west-1", "us-west-2",
            "ca-central-1", "sa-east-1",
            "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1",
            "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2");

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    private static final Pattern APPLICATION_ID = Pattern.compile("[A-Za-z0-9._-]+");

    /** Copies the region list. */
    public SchedulerConfig {
        regions = List.copyOf(regions);
    }

    /** Reads and validates every key the scheduler uses; loads the catalog. */
    public static SchedulerConfig from(Settings settings) {
        String applicationId = settings.string("scheduler.application-id", "onboarding-scheduler");
        if (!APPLICATION_ID.matcher(applicationId).matches()) {
            throw new SettingsException("scheduler.application-id", "may only hold letters, digits, '.', '_', '-'");
        }
        JobCatalog catalog = settings.find("scheduler.catalog.file").map(file -> {
            try {
                return JobCatalog.load(Path.of(file));
            } catch (JobCatalog.CatalogException | java.nio.file.InvalidPathException e) {
                throw new SettingsException("scheduler.catalog.file", "cannot be used: " + e.getMessage());
            }
        }).orElseGet(JobCatalog::defaults);
        List<String> regions = settings.find("scheduler.regions").isPresent() ? settings.list("scheduler.regions")
                : DEFAULT_REGIONS;
        validateRegions(regions);
        String homeRegion = settings.string("scheduler.home-region", "us-east-1");
        if (!REGION.matcher(homeRegion).matches()) {
            throw new SettingsException("scheduler.home-region", "is not an AWS region name: '" + homeRegion + "'");
        }
        Duration tick = bounded(settings, "scheduler.tick", Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ofMinutes(1));
        Duration slotSpacing = bounded(settings, "scheduler.slot-spacing", Duration.ofSeconds(60),
                Duration.ofSeconds(1), Duration.ofDays(1));
        TopicSettings topics = TopicSettings.from(settings);
        return new SchedulerConfig(
                KafkaSettings.from(settings),
                RegistrySettings.from(settings),
                topics,
                applicationId,
                Path.of(settings.string("scheduler.state-dir", "state/scheduler")).toAbsolutePath(),
                catalog,
                regions,
                homeRegion,
                tick,
                slotSpacing,
                settings.integer("scheduler.deadline-percent", 100, 10, 1000),
                bounded(settings, "scheduler.initial-burst.max-age", Duration.ofHours(1), Duration.ZERO,
                        Duration.ofDays(31)),
                settings.integer("scheduler.max-jobs-per-tick", 10_000, 1, 1_000_000),
                settings.integer("scheduler.stream-threads", 1, 1, 64),
                bounded(settings, "scheduler.commit-interval", Duration.ofSeconds(1), Duration.ofMillis(10),
                        Duration.ofMinutes(1)),
                bounded(settings, "scheduler.poll-timeout", Duration.ofMillis(10), Duration.ofMillis(1),
                        Duration.ofSeconds(1)),
                settings.string("scheduler.dead-letter-topic", topics.name(TopicDefinition.INTEGRATIONS_DLQ)),
                settings.bool("scheduler.create-topics", true),
                bounded(settings, "scheduler.close-timeout", Duration.ofSeconds(30), Duration.ofSeconds(1),
                        Duration.ofMinutes(10)),
                bounded(settings, "scheduler.reverification.interval", DEFAULT_REVERIFICATION_INTERVAL,
                        Duration.ofSeconds(1), Duration.ofDays(31)));
    }

    private static void validateRegions(List<String> regions) {
        if (regions.isEmpty()) {
            throw new SettingsException("scheduler.regions", "must list at least one region");
        }
        Set<String> seen = new HashSet<>();
        for (String region : regions) {
            if (!REGION.matcher(region).matches()) {
                throw new SettingsException("scheduler.regions", "holds '" + region + "', not an AWS region name");
            }
            if (!seen.add(region)) {
                throw new SettingsException("scheduler.regions", "lists " + region + " twice");
            }
        }
    }

    private static Duration bounded(Settings settings, String key, Duration def, Duration min, Duration max) {
        Duration value = settings.duration(key, def);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new SettingsException(key, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** The same config with another catalog (tests, benchmarks). */
    public SchedulerConfig withCatalog(JobCatalog other) {
        return new SchedulerConfig(kafka, registry, topics, applicationId, stateDir, other, regions, homeRegion, tick,
                slotSpacing, deadlinePercent, initialBurstMaxAge, maxJobsPerTick, streamThreads, commitInterval,
                pollTimeout, deadLetterTopic, createTopics, closeTimeout, reverificationInterval);
    }

    /** The re-verification every connected account's role gets. */
    public Reverification reverification() {
        return new Reverification(reverificationInterval);
    }

    /** The plan every connected account follows. */
    public CollectionPlan plan() {
        return CollectionPlan.of(catalog, regions, homeRegion, slotSpacing);
    }

    /**
     * The Kafka Streams properties: exactly-once, our state dir, threads, commit interval and poll timeout, plus the
     * {@code kafka.*} pass-through.
     */
    public Properties streamsProperties() {
        Properties props = new Properties();
        Map<String, Object> client = kafka.clientProperties();
        props.putAll(client);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        // The scheduler's output comes from wall-clock punctuations, not from input, and a stream thread with no
        // input blocks in poll for poll.ms (Streams' default 100 ms) before it runs due punctuations again: with a
        // backlog, that left the threads idle most of the time between two catch-up steps.
        props.put(StreamsConfig.POLL_MS_CONFIG, pollTimeout.toMillis());
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    @Override
    public String toString() {
        return "SchedulerConfig[applicationId=" + applicationId + ", " + kafka + ", " + registry + ", stateDir="
                + stateDir + ", catalog=" + catalog + ", regions=" + regions.size() + ", homeRegion=" + homeRegion
                + ", tick=" + tick + ", slotSpacing=" + slotSpacing + ", deadlinePercent=" + deadlinePercent
                + ", initialBurstMaxAge=" + initialBurstMaxAge + ", maxJobsPerTick=" + maxJobsPerTick
                + ", streamThreads=" + streamThreads + ", commitInterval=" + commitInterval + ", pollTimeout="
                + pollTimeout + ", deadLetterTopic=" + deadLetterTopic + ", reverificationInterval="
                + reverificationInterval + "]";
    }
}
