package dev.onboarding.bridge.ingress;

import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.config.ConfigKeys;
import dev.onboarding.config.Settings;
import dev.onboarding.schemas.deadletters.DeadLetterBuilder;
import dev.onboarding.config.SettingsException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration of the bridge's ingress side, parsed once from {@link Settings} and validated at
 * start-up (every error names its key). Kafka, registry and topic names come from their own
 * {@code kafka.*}, {@code schema.registry.*} and {@code topics.*} keys.
 *
 * @param queues one queue per region (at least one)
 * @param pollersPerQueue poller threads per queue
 * @param waitTime SQS long-poll wait
 * @param maxMessages messages per receive (1-10)
 * @param visibilityTimeout visibility set on every receive; in-flight messages are extended by it
 * @param maxInFlightPerPoller messages one poller holds at once before it stops receiving
 * @param responseUrlLocalOrigin the one extra ResponseURL origin admitted for a local stand-in
 * @param defaultServiceTimeout how long CloudFormation waits for an answer when the request does not say
 * @param shutdownTimeout how long close() waits for in-flight work
 * @param deadLetterMaxOriginalBytes how much of a refused body its dead letter keeps (the rest: size and SHA-256)
 * @param staticCredentials access key and secret for local runs; empty means the default AWS chain
 */
public record IngressConfig(
        List<QueueSpec> queues,
        int pollersPerQueue,
        Duration waitTime,
        int maxMessages,
        Duration visibilityTimeout,
        int maxInFlightPerPoller,
        Optional<String> responseUrlLocalOrigin,
        Duration defaultServiceTimeout,
        Duration shutdownTimeout,
        int deadLetterMaxOriginalBytes,
        Optional<StaticCredentials> staticCredentials) {

    /** Every key the ingress reads: with the verifier's and the responder's, what the bridge knows under {@code bridge.}. */
    public static final ConfigKeys CONFIG_KEYS = ConfigKeys.of("bridge.", "bridge.queues", "bridge.pollers-per-queue",
            "bridge.sqs.endpoint.<region>", "bridge.dead-letter-queues", "bridge.sqs.wait-time",
            "bridge.sqs.max-messages", "bridge.sqs.visibility-timeout", "bridge.max-in-flight-per-poller",
            "bridge.response-url.local-origin", "bridge.service-timeout", "bridge.shutdown-timeout",
            "bridge.dead-letter.max-original-bytes",
            "bridge.aws.access-key-id", "bridge.aws.secret-access-key");

    /**
     * One regional queue.
     *
     * @param region AWS region of the queue (and of the stacks that publish to it)
     * @param queueUrl the queue
     * @param endpoint SQS endpoint override (local runs), else the region's default
     * @param deadLetterQueueUrl the provider's SQS dead-letter queue to drain into the Kafka DLQ, if any
     */
    public record QueueSpec(String region, String queueUrl, Optional<URI> endpoint,
            Optional<String> deadLetterQueueUrl) {
    }

    /** Static AWS credentials; {@link #toString()} never shows the secret. */
    public record StaticCredentials(String accessKeyId, String secretAccessKey) {
        @Override
        public String toString() {
            return "StaticCredentials[accessKeyId=" + accessKeyId + "]";
        }
    }

    /** Reads and validates every {@code bridge.*} key of the ingress. */
    public static IngressConfig from(Settings settings) {
        Map<String, String> queueUrls = regionMap(settings, "bridge.queues");
        if (queueUrls.isEmpty()) {
            throw new SettingsException("bridge.queues", "needs at least one region=queueUrl entry");
        }
        Map<String, String> dlqUrls = regionMap(settings, "bridge.dead-letter-queues");
        for (String region : dlqUrls.keySet()) {
            if (!queueUrls.containsKey(region)) {
                throw new SettingsException("bridge.dead-letter-queues", "names region " + region
                        + " which has no queue in bridge.queues");
            }
        }
        List<QueueSpec> queues = new ArrayList<>();
        queueUrls.forEach((region, url) -> queues.add(new QueueSpec(region, url,
                settings.find("bridge.sqs.endpoint." + region).map(v -> httpUri("bridge.sqs.endpoint." + region, v)),
                Optional.ofNullable(dlqUrls.get(region)))));

        Duration waitTime = settings.duration("bridge.sqs.wait-time", Duration.ofSeconds(20));
        if (waitTime.compareTo(Duration.ofSeconds(20)) > 0) {
            throw new SettingsException("bridge.sqs.wait-time", "must be at most 20s (the SQS limit)");
        }
        Duration visibility = settings.duration("bridge.sqs.visibility-timeout", Duration.ofSeconds(60));
        if (visibility.compareTo(Duration.ofSeconds(2)) < 0 || visibility.compareTo(Duration.ofHours(12)) > 0) {
            throw new SettingsException("bridge.sqs.visibility-timeout", "must be between 2s and 12h");
        }
        Optional<String> localOrigin = settings.find("bridge.response-url.local-origin");
        localOrigin.ifPresent(origin -> {
            try {
                ResponseUrlPolicy.withLocalOrigin(origin);
            } catch (IllegalArgumentException e) {
                throw new SettingsException("bridge.response-url.local-origin", e.getMessage());
            }
        });
        Duration serviceTimeout = settings.duration("bridge.service-timeout", Duration.ofSeconds(3600));
        if (serviceTimeout.isZero()) {
            throw new SettingsException("bridge.service-timeout", "must be positive");
        }
        return new IngressConfig(List.copyOf(queues),
                settings.integer("bridge.pollers-per-queue", 2, 1, 64),
                waitTime,
                settings.integer("bridge.sqs.max-messages", 10, 1, 10),
                visibility,
                settings.integer("bridge.max-in-flight-per-poller", 100, 1, 10_000),
                localOrigin,
                serviceTimeout,
                settings.duration("bridge.shutdown-timeout", Duration.ofSeconds(30)),
                settings.integer("bridge.dead-letter.max-original-bytes", DeadLetterBuilder.DEFAULT_MAX_ORIGINAL_BYTES,
                        1024, CallbackParser.MAX_BODY_BYTES),
                AwsClients.staticCredentials(settings));
    }

    /** Parses {@code region=url,region=url}; a region may appear once. */
    private static Map<String, String> regionMap(Settings settings, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String entry : settings.list(key)) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new SettingsException(key, "entries must look like region=queueUrl, got '" + entry + "'");
            }
            String region = entry.substring(0, eq).trim();
            String url = entry.substring(eq + 1).trim();
            if (AwsPartition.ofRegion(region).isEmpty()) {
                throw new SettingsException(key, "'" + region + "' is not an AWS region");
            }
            httpUri(key, url);
            if (out.put(region, url) != null) {
                throw new SettingsException(key, "lists region " + region + " more than once");
            }
        }
        return out;
    }

    /** {@code value} as an http(s) URL, or a settings error naming {@code key}. */
    public static URI httpUri(String key, String value) {
        try {
            URI uri = new URI(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new SettingsException(key, "must be an http(s) URL, got '" + value + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new SettingsException(key, "is not a URL: '" + value + "'");
        }
    }

    @Override
    public String toString() {
        // The record's default would be fine except for the credentials; keep it explicit.
        return "IngressConfig[queues=" + queues + ", pollersPerQueue=" + pollersPerQueue + ", waitTime=" + waitTime
                + ", maxMessages=" + maxMessages + ", visibilityTimeout=" + visibilityTimeout
                + ", maxInFlightPerPoller=" + maxInFlightPerPoller + ", responseUrlLocalOrigin="
                + responseUrlLocalOrigin + ", defaultServiceTimeout=" + defaultServiceTimeout + ", shutdownTimeout="
                + shutdownTimeout + ", deadLetterMaxOriginalBytes=" + deadLetterMaxOriginalBytes + ", staticCredentials=" + staticCredentials + "]";
    }
}
