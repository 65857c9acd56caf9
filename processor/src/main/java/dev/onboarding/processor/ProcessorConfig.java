package dev.onboarding.processor;

import dev.onboarding.config.ConfigKeys;
import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Configuration of the processor, read from the {@code processor.*} keys in one place and checked at
 * start-up. Kafka client properties ({@code kafka.*}), topic names ({@code topics.*}) and the registry
 * ({@code schema.registry.*}) are read by their own settings classes.
 *
 * @param applicationId Kafka Streams application id (consumer group, internal topic prefix)
 * @param stateDir where the local state stores live
 * @param standbyReplicas standby copies of every state store on other instances
 * @param streamThreads stream threads per instance (default: one per processor available to the JVM, so one
 *     instance uses every core; a thread that waits for its transaction to commit leaves its core to the others)
 * @param commitInterval how often transactions commit: bounds the latency each hop adds under exactly-once
 * @param callbackGrace how long a callback for an unknown external ID waits for its request (wall clock)
 * @param decidedRetention how long decided RequestIds are remembered (longer than SQS retention)
 * @param decidedCleanupInterval how often expired decided RequestIds are removed
 * @param punctuationInterval how often held callbacks and pending integrations are checked against the clock
 * @param httpBindAddress address the interactive-query HTTP server binds
 * @param httpPort port of the interactive-query HTTP server; 0 picks a free one
 * @param httpAdvertisedHost host other instances use to reach this one's HTTP server
 * @param internalReplicationFactor replication factor of changelog and repartition topics; -1 = broker default
 * @param closeTimeout how long {@code close} waits for Kafka Streams to finish
 * @param producerBatchSize the producers' {@code batch.size} in bytes: a Create writes seven records, most of
 *     them near a kilobyte, and every commit flushes, so batches larger than the client default (16 KB) save
 *     produce requests and their handling
 * @param verificationTimeout how long a callback waits for the verifier's result on its role before it is answered
 *     FAILED (longer than the verifier's own bound, {@code bridge.verification.max-duration})
 * @param maxVerificationsPerIntegration role verifications in flight at once for one integration (its external ID):
 *     a further Create is answered FAILED at once, so a leaked external ID cannot keep the verifier busy
 */
public record ProcessorConfig(
        String applicationId,
        Path stateDir,
        int standbyReplicas,
        int streamThreads,
        Duration commitInterval,
        Duration callbackGrace,
        Duration decidedRetention,
        Duration decidedCleanupInterval,
        Duration punctuationInterval,
        String httpBindAddress,
        int httpPort,
        String httpAdvertisedHost,
        int internalReplicationFactor,
        Duration closeTimeout,
        int producerBatchSize,
        Duration verificationTimeout,
        int maxVerificationsPerIntegration) {

    /** Every key under {@code processor.}: another is an error at start-up (README documents each). */
    public static final ConfigKeys CONFIG_KEYS = ConfigKeys.of("processor.", "processor.application-id",
            "processor.state-dir", "processor.standby-replicas", "processor.stream-threads",
            "processor.commit-interval", "processor.callback-grace", "processor.decided-requests.retention",
            "processor.decided-requests.cleanup-interval", "processor.punctuation-interval",
            "processor.http.bind-address", "processor.http.port", "processor.http.advertised-host",
            "processor.internal-replication-factor", "processor.close-timeout", "processor.producer.batch-size",
            "processor.verification.timeout", "processor.verification.max-in-flight-per-integration");

    /** Default application id. */
    public static final String DEFAULT_APPLICATION_ID = "onboarding-processor";
    /** SQS keeps a message at most 14 days: remember decisions a day longer. */
    public static final Duration DEFAULT_DECIDED_RETENTION = Duration.ofDays(15);
    /** Default wait for a request that a callback overtook. */
    public static final Duration DEFAULT_CALLBACK_GRACE = Duration.ofSeconds(30);
    /** Default wait for a role verification's result: the verifier's bound (60 s) with room for a backlog. */
    public static final Duration DEFAULT_VERIFICATION_TIMEOUT = Duration.ofMinutes(5);
    /** Default {@code batch.size} of the processor's producers (128 KiB). */
    public static final int DEFAULT_PRODUCER_BATCH_SIZE = 128 * 1024;

    /** Checks the values that {@link Settings} getters cannot check on their own. */
    public ProcessorConfig {
        requirePositive("processor.commit-interval", commitInterval);
        requirePositive("processor.punctuation-interval", punctuationInterval);
        requirePositive("processor.decided-requests.cleanup-interval", decidedCleanupInterval);
        requirePositive("processor.close-timeout", closeTimeout);
        requirePositive("processor.verification.timeout", verificationTimeout);
        if (decidedRetention.compareTo(Duration.ofDays(14)) <= 0) {
            throw new SettingsException("processor.decided-requests.retention",
                    "must be longer than the SQS retention maximum (14d), got " + decidedRetention);
        }
        if (applicationId.isBlank() || !applicationId.matches("[A-Za-z0-9._-]+")) {
            throw new SettingsException("processor.application-id",
                    "must be letters, digits, '.', '_' or '-', got '" + applicationId + "'");
        }
    }

    /** Reads the {@code processor.*} keys. */
    public static ProcessorConfig from(Settings settings) {
        String bind = settings.string("processor.http.bind-address", "0.0.0.0");
        return new ProcessorConfig(
                settings.string("processor.application-id", DEFAULT_APPLICATION_ID),
                Path.of(settings.string("processor.state-dir",
                        Path.of(System.getProperty("java.io.tmpdir"), "onboarding-processor").toString())),
                settings.integer("processor.standby-replicas", 1, 0, 10),
                settings.integer("processor.stream-threads", defaultStreamThreads(), 1, 64),
                settings.duration("processor.commit-interval", Duration.ofMillis(100)),
                settings.duration("processor.callback-grace", DEFAULT_CALLBACK_GRACE),
                settings.duration("processor.decided-requests.retention", DEFAULT_DECIDED_RETENTION),
                settings.duration("processor.decided-requests.cleanup-interval", Duration.ofHours(1)),
                settings.duration("processor.punctuation-interval", Duration.ofSeconds(1)),
                bind,
                settings.integer("processor.http.port", 8090, 0, 65_535),
                settings.string("processor.http.advertised-host", defaultAdvertisedHost(bind)),
                settings.integer("processor.internal-replication-factor", -1, -1, 32),
                settings.duration("processor.close-timeout", Duration.ofSeconds(30)),
                settings.integer("processor.producer.batch-size", DEFAULT_PRODUCER_BATCH_SIZE, 1024,
                        16 * 1024 * 1024),
                settings.duration("processor.verification.timeout", DEFAULT_VERIFICATION_TIMEOUT),
                settings.integer("processor.verification.max-in-flight-per-integration", 2, 1, 1_000));
    }

    /** The defaults, with nothing overridden. */
    public static ProcessorConfig defaults() {
        return from(Settings.of(java.util.Map.of()));
    }

    /** One stream thread per processor available to the JVM (at most 64). */
    public static int defaultStreamThreads() {
        return Math.max(1, Math.min(64, Runtime.getRuntime().availableProcessors()));
    }

    private static String defaultAdvertisedHost(String bind) {
        if (!bind.equals("0.0.0.0") && !bind.equals("::")) {
            return bind;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    private static void requirePositive(String key, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new SettingsException(key, "must be positive, got " + value);
        }
    }
}
