package dev.onboarding.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The settings of a whole stack on the embedded services: one builder for every place that wires the apps to them
 * (the local run, tests, benchmarks). It writes the keys that point the apps at the broker, the registry, the
 * regional queues and their SQS endpoints, the STS stand-in and the S3 stand-in (the one local ResponseURL origin),
 * the API with a {@link DevTokenIssuer}, plus fake AWS credentials, topic names and state directories; every other key (timeouts, limits) goes through
 * {@link #with}. What each key means is in README.
 */
public final class StackSettings {
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Map<String, String> queues = new LinkedHashMap<>();
    private final Map<String, String> deadLetterQueues = new LinkedHashMap<>();

    private StackSettings(String bootstrapServers, String registryUrl) {
        settings.put("kafka.bootstrap.servers", bootstrapServers);
        settings.put("schema.registry.url", registryUrl);
    }

    /** Settings of apps on the broker at {@code bootstrapServers} with the schema registry at {@code registryUrl}. */
    public static StackSettings of(String bootstrapServers, String registryUrl) {
        return new StackSettings(bootstrapServers, registryUrl);
    }

    /** The bridge polls {@code queueUrl} for {@code region}, on {@code sqs}. */
    public StackSettings queue(String region, EmbeddedSqs sqs, String queueUrl) {
        queues.put(region, queueUrl);
        settings.put("bridge.sqs.endpoint." + region, sqs.endpoint().toString());
        return this;
    }

    /** The bridge polls the region's queue and drains its SQS dead-letter queue, both on {@code sqs}. */
    public StackSettings queue(String region, EmbeddedSqs sqs, EmbeddedSqs.QueuePair pair) {
        deadLetterQueues.put(region, pair.deadLetterQueueUrl());
        return queue(region, sqs, pair.queueUrl());
    }

    /** The bridge verifies roles with the STS stand-in, and members' organizations with its Organizations side. */
    public StackSettings sts(StsStandIn sts) {
        settings.put("bridge.sts.endpoint", sts.endpoint().toString());
        settings.put("bridge.organizations.endpoint", sts.endpoint().toString());
        return this;
    }

    /** The S3 stand-in is the one local origin the bridge's ResponseURL policy admits. */
    public StackSettings responsesTo(S3ResponseStandIn s3) {
        settings.put("bridge.response-url.local-origin", s3.origin());
        return this;
    }

    /** Static AWS credentials for SQS and STS (the embedded services accept any). */
    public StackSettings awsCredentials(String accessKeyId, String secretAccessKey) {
        settings.put("bridge.aws.access-key-id", accessKeyId);
        settings.put("bridge.aws.secret-access-key", secretAccessKey);
        return this;
    }

    /** Names the topic {@code id} (e.g. {@code cfn-callbacks}) {@code name}. */
    public StackSettings topic(String id, String name) {
        settings.put("topics." + id + ".name", name);
        return this;
    }

    /** The processor serves its queries on loopback and tells the other instances so. */
    public StackSettings loopbackQueries() {
        settings.put("processor.http.bind-address", "127.0.0.1");
        settings.put("processor.http.advertised-host", "127.0.0.1");
        return this;
    }

    /** The Streams apps keep their state under {@code dir}: {@code processor/} and {@code scheduler/}. */
    public StackSettings stateDir(Path dir) {
        settings.put("processor.state-dir", dir.resolve("processor").toString());
        settings.put("scheduler.state-dir", dir.resolve("scheduler").toString());
        return this;
    }

    /**
     * The API on loopback (a free port unless {@code api.http.port} is set after this), accepting the tokens of
     * {@code issuer}, its copy of the integrations topic under {@code stateDir/api}.
     */
    public StackSettings api(DevTokenIssuer issuer, Path stateDir) {
        settings.putAll(issuer.apiSettings());
        settings.put("api.http.bind-address", "127.0.0.1");
        settings.put("api.http.port", "0");
        settings.put("api.state-dir", stateDir.resolve("api").toString());
        return this;
    }

    /** Sets any other key (or overrides one of the above). */
    public StackSettings with(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /** The settings as keys and values, e.g. for {@code Settings.of} or a properties file. */
    public Map<String, String> build() {
        Map<String, String> out = new LinkedHashMap<>();
        if (!queues.isEmpty()) {
            out.put("bridge.queues", joined(queues));
        }
        if (!deadLetterQueues.isEmpty()) {
            out.put("bridge.dead-letter-queues", joined(deadLetterQueues));
        }
        out.putAll(settings);
        return out;
    }

    private static String joined(Map<String, String> byRegion) {
        return byRegion.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
