package dev.onboarding.local;

import dev.onboarding.embedded.ApicurioRegistry;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.embedded.EmbeddedSqs;
import dev.onboarding.embedded.S3ResponseStandIn;
import dev.onboarding.embedded.StackSettings;
import dev.onboarding.embedded.StsStandIn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything the local run stands on, on loopback only: the KRaft broker, one SQS endpoint and queue
 * (with its dead-letter queue) per simulated region, the schema registry, and the STS and S3
 * stand-ins. Closing it stops them in reverse order.
 */
final class LocalEnvironment implements AutoCloseable {
    /** The account id the simulated provider's queues live in. */
    static final String PROVIDER_ACCOUNT = "111122223333";

    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, String> endpoints = new LinkedHashMap<>();
    private final Map<String, EmbeddedSqs> sqsByRegion = new LinkedHashMap<>();
    private final Map<String, EmbeddedSqs.QueuePair> queuesByRegion = new LinkedHashMap<>();
    private EmbeddedKafka kafka;
    private StsStandIn sts;
    private S3ResponseStandIn s3;
    private String registryUrl;

    private LocalEnvironment() {
    }

    /** Starts every service; on failure stops what had started and rethrows. */
    static LocalEnvironment start(List<String> regions, Optional<String> registryUrl, ProgressLine progress) {
        LocalEnvironment env = new LocalEnvironment();
        try {
            env.startAll(regions, registryUrl, progress);
            return env;
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    private void startAll(List<String> regions, Optional<String> externalRegistry, ProgressLine progress) {
        progress.step("starting the Kafka broker");
        kafka = track(EmbeddedKafka.start());
        endpoints.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        if (externalRegistry.isPresent()) {
            registryUrl = externalRegistry.get();
        } else {
            progress.step("starting the schema registry");
            ApicurioRegistry registry = track(ApicurioRegistry.start());
            registryUrl = registry.confluentApiUrl();
        }
        endpoints.put("schema.registry.url", registryUrl);
        for (String region : regions) {
            progress.step("starting SQS for " + region);
            EmbeddedSqs sqs = track(EmbeddedSqs.start(region, PROVIDER_ACCOUNT));
            EmbeddedSqs.QueuePair queues = sqs.createQueueWithDeadLetterQueue("onboarding-callbacks-" + region, 5);
            sqsByRegion.put(region, sqs);
            queuesByRegion.put(region, queues);
            endpoints.put("sqs." + region + ".queue.url", queues.queueUrl());
            endpoints.put("sqs." + region + ".dlq.url", queues.deadLetterQueueUrl());
            endpoints.put("sqs." + region + ".endpoint", sqs.endpoint().toString());
        }
        progress.step("starting the STS and S3 stand-ins");
        sts = track(StsStandIn.start());
        endpoints.put("sts.endpoint", sts.endpoint().toString());
        s3 = track(S3ResponseStandIn.start());
        endpoints.put("s3.response.endpoint", s3.endpoint().toString());
    }

    private <T extends AutoCloseable> T track(T service) {
        started.add(service);
        return service;
    }

    /** Adds an endpoint (e.g. an app's HTTP URL) to what {@link #writeEndpoints} writes. */
    void putEndpoint(String key, String value) {
        endpoints.put(key, value);
    }

    /** Every endpoint, by key. */
    Map<String, String> endpoints() {
        return Collections.unmodifiableMap(endpoints);
    }

    /** Writes the endpoints as a properties file, atomically. */
    void writeEndpoints(Path file) {
        try {
            Path absolute = file.toAbsolutePath();
            Path tmp = Files.createTempFile(absolute.getParent(), ".endpoints", ".tmp");
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                out.write("# Endpoints of the local onboarding stack; removed when it stops.\n");
                for (Map.Entry<String, String> e : new TreeMap<>(endpoints).entrySet()) {
                    out.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\") + "\n");
                }
            }
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write endpoints file " + file, e);
        }
    }

    /** The settings that point apps at these services; the apps' own keys are added with {@link StackSettings#with}. */
    StackSettings stackSettings() {
        StackSettings stack = StackSettings.of(kafka.bootstrapServers(), registryUrl).sts(sts).responsesTo(s3);
        queuesByRegion.forEach((region, queues) -> stack.queue(region, sqsByRegion.get(region), queues));
        return stack;
    }

    EmbeddedKafka kafka() {
        return kafka;
    }

    String registryUrl() {
        return registryUrl;
    }

    StsStandIn sts() {
        return sts;
    }

    S3ResponseStandIn s3() {
        return s3;
    }

    Map<String, EmbeddedSqs> sqsByRegion() {
        return Collections.unmodifiableMap(sqsByRegion);
    }

    Map<String, EmbeddedSqs.QueuePair> queuesByRegion() {
        return Collections.unmodifiableMap(queuesByRegion);
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("warning: could not stop a local service cleanly: " + e.getMessage());
            }
        }
        started.clear();
    }
}
