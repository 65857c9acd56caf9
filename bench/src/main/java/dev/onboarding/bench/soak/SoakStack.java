package dev.onboarding.bench.soak;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.embedded.ApicurioRegistry;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.embedded.EmbeddedSqs;
import dev.onboarding.embedded.S3ResponseStandIn;
import dev.onboarding.embedded.StackSettings;
import dev.onboarding.embedded.StsStandIn;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What the soak runs against: in this JVM the KRaft broker, one ElasticMQ per region (queue plus dead-letter
 * queue), the STS and S3 stand-ins and a second HTTP server standing for an attacker's target; Apicurio as a child
 * process; and the bridge, the processor instances and the scheduler each in its own JVM, started as operators
 * start them. Closing it stops everything and deletes the work directory unless asked to keep it.
 */
final class SoakStack implements AutoCloseable {
    /** The provider's AWS account, where the regional queues live. */
    static final String PROVIDER_ACCOUNT = "111122223333";
    /** The bridge's (fake) AWS secret key, which must never show in a log. */
    static final String SECRET_ACCESS_KEY = "soakSecretAccessKey0f3c9d";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final SoakOptions options;
    private final Map<String, String> overrides;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, EmbeddedSqs> sqs = new LinkedHashMap<>();
    private final Map<String, EmbeddedSqs.QueuePair> queues = new LinkedHashMap<>();
    private final Map<String, SqsClient> senders = new LinkedHashMap<>();
    private final List<ChildJvm> processors = new ArrayList<>();
    private final List<java.net.URI> processorQueries = new ArrayList<>();
    private Path workDir;
    private EmbeddedKafka kafka;
    private String registryUrl;
    private StsStandIn sts;
    private S3ResponseStandIn s3;
    private S3ResponseStandIn attackerTarget;
    private SchemaRegistry registry;
    private TopicCatalog catalog;
    private ChildJvm bridge;
    private ChildJvm scheduler;

    private final boolean strictSqsLimits;

    private SoakStack(SoakOptions options, Map<String, String> overrides, boolean strictSqsLimits) {
        this.options = options;
        this.overrides = Map.copyOf(overrides);
        this.strictSqsLimits = strictSqsLimits;
    }

    /** Starts every service and app and waits until each app is ready; on failure stops what had started. */
    static SoakStack start(SoakOptions options) {
        return start(options, Map.of());
    }

    /** As {@link #start(SoakOptions)}, every app's settings with {@code overrides} over the soak's. */
    static SoakStack start(SoakOptions options, Map<String, String> overrides) {
        return start(options, overrides, true);
    }

    /**
     * As {@link #start(SoakOptions, Map)}; with {@code strictSqsLimits} false the SQS stand-ins skip SQS's checks of
     * sent bodies (see {@link EmbeddedSqs#start(String, String, boolean)}).
     */
    static SoakStack start(SoakOptions options, Map<String, String> overrides, boolean strictSqsLimits) {
        SoakStack stack = new SoakStack(options, overrides, strictSqsLimits);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() {
        try {
            workDir = Files.createTempDirectory("onboarding-soak");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kafka = track(EmbeddedKafka.start());
        ApicurioRegistry apicurio = track(ApicurioRegistry.start());
        registryUrl = apicurio.confluentApiUrl();
        for (String region : options.regions()) {
            EmbeddedSqs regional = track(EmbeddedSqs.start(region, PROVIDER_ACCOUNT, strictSqsLimits));
            sqs.put(region, regional);
            queues.put(region, regional.createQueueWithDeadLetterQueue("onboarding-callbacks-" + region, 5));
            senders.put(region, track(regional.newClient()));
        }
        sts = track(StsStandIn.start());
        s3 = track(S3ResponseStandIn.start());
        attackerTarget = track(S3ResponseStandIn.start());
        try (Admin admin = Admin.create(KafkaSettings.of(kafka.bootstrapServers()).clientProperties())) {
            new TopicCreator(admin, 60_000).createAll(TopicSettings.defaults());
        }
        registry = track(SchemaRegistries.connect(RegistrySettings.of(registryUrl)));
        catalog = TopicCatalog.create(TopicSettings.defaults(), registry, true);

        Map<String, String> settings = appSettings();
        bridge = track(ChildJvm.of("bridge", "bridge", settings, freePort(), workDir, options.childHeap()));
        for (int n = 1; n <= options.processors(); n++) {
            Map<String, String> own = new HashMap<>(settings);
            int queryPort = freePort();
            own.put("processor.http.port", String.valueOf(queryPort));
            processorQueries.add(java.net.URI.create("http://127.0.0.1:" + queryPort));
            own.put("processor.state-dir", workDir.resolve("processor-" + n).toString());
            if (options.staticMembership()) {
                // A stable identity per instance, as a StatefulSet gives: a restarted instance takes its partitions
                // straight back instead of leaving them idle until the group's session timeout.
                own.put("kafka.group.instance.id", "soak-processor-" + n);
            }
            processors.add(track(ChildJvm.of("processor-" + n, "processor", own, freePort(), workDir,
                    options.childHeap())));
        }
        scheduler = track(ChildJvm.of("scheduler", "scheduler", settings, freePort(), workDir,
                options.childHeap()));
        List<ChildJvm> apps = new ArrayList<>(processors);
        apps.add(scheduler);
        apps.add(bridge);
        apps.forEach(ChildJvm::start);
        apps.forEach(app -> app.awaitReady(READY_TIMEOUT));
    }

    /** The settings every app gets, as the local run gives them, with the soak's shorter bounds. */
    private Map<String, String> appSettings() {
        StackSettings s = StackSettings.of(kafka.bootstrapServers(), registryUrl);
        if (!options.sessionTimeout().isZero()) {
            s.with("kafka.session.timeout.ms", String.valueOf(options.sessionTimeout().toMillis()));
        }
        queues.forEach((region, pair) -> s.queue(region, sqs.get(region), pair));
        s.sts(sts)
                .awsCredentials("AKIASOAKTEST00000001", SECRET_ACCESS_KEY)
                .responsesTo(s3)
                .with("bridge.sqs.wait-time", "1s")
                // A killed bridge's unfinished messages come back after this, not after the default minute.
                .with("bridge.sqs.visibility-timeout", "10s")
                // Answers held back by the S3 outage go out within seconds of its end, not minutes.
                .with("bridge.egress.backoff.base", "500ms")
                .with("bridge.egress.backoff.max", "5s")
                .loopbackQueries()
                .with("processor.standby-replicas", options.processors() > 1 ? "1" : "0")
                // Unknown external IDs are answered after this grace; the soak need not wait the default 30 s.
                .with("processor.callback-grace", "2s")
                .with("scheduler.state-dir", workDir.resolve("scheduler").toString())
                .with("scheduler.regions", String.join(",", options.regions()))
                .with("scheduler.home-region", options.regions().get(0))
                // Finer slots: a disconnected integration that kept its schedule would show within seconds.
                .with("scheduler.slot-spacing", "5s");
        overrides.forEach(s::with);
        return s.build();
    }

    private <T extends AutoCloseable> T track(T service) {
        started.add(service);
        return service;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    EmbeddedKafka kafka() {
        return kafka;
    }

    StsStandIn sts() {
        return sts;
    }

    S3ResponseStandIn s3() {
        return s3;
    }

    S3ResponseStandIn attackerTarget() {
        return attackerTarget;
    }

    TopicCatalog catalog() {
        return catalog;
    }

    ChildJvm bridge() {
        return bridge;
    }

    List<ChildJvm> processors() {
        return Collections.unmodifiableList(processors);
    }

    /** The interactive-query base URL of every processor instance (each routes to the one holding a key). */
    List<java.net.URI> processorQueries() {
        return Collections.unmodifiableList(processorQueries);
    }

    ChildJvm scheduler() {
        return scheduler;
    }

    /** Every app JVM. */
    List<ChildJvm> apps() {
        List<ChildJvm> apps = new ArrayList<>(processors);
        apps.add(scheduler);
        apps.add(bridge);
        return apps;
    }

    /** The SQS client CloudFormation's SNS topic of {@code region} delivers through. */
    SqsClient sender(String region) {
        return senders.get(region);
    }

    /** The provider's queue of {@code region}. */
    String queueUrl(String region) {
        return queues.get(region).queueUrl();
    }

    /** The work directory (configs, logs, state). */
    Path workDir() {
        return workDir;
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("soak: could not stop " + started.get(i).getClass().getSimpleName() + ": " + e);
            }
        }
        started.clear();
        if (workDir != null && !Boolean.getBoolean("soak.keep")) {
            try (Stream<Path> paths = Files.walk(workDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort on the way out
            }
        }
    }
}
