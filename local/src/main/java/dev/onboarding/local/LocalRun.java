package dev.onboarding.local;

import dev.onboarding.bridge.egress.ResponderMetrics;
import dev.onboarding.cli.OperationsEndpoint;
import dev.onboarding.cli.PipelineApps;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.embedded.EmbeddedSqs;
import dev.onboarding.runtime.Service;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local stack as one object: the embedded services, the topics, and the three apps in this JVM,
 * with every endpoint written to a properties file. Used by {@code local} and {@code demo}.
 */
final class LocalRun implements AutoCloseable {
    /** What to start. */
    record Options(List<String> regions, Optional<String> registryUrl, Path endpointsFile) {
    }

    private final Options options;
    private final LocalEnvironment environment;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> running = new ArrayList<>();
    private Path stateDir;
    private PipelineActivity activity;

    private LocalRun(Options options, LocalEnvironment environment) {
        this.options = options;
        this.environment = environment;
    }

    /** Starts everything and writes the endpoints file; on failure stops what had started. */
    static LocalRun start(Options options, ProgressLine progress) {
        LocalEnvironment env = LocalEnvironment.start(options.regions(), options.registryUrl(), progress);
        LocalRun run = new LocalRun(options, env);
        try {
            progress.step("creating topics");
            TopicCreator.createAll(KafkaSettings.of(env.kafka().bootstrapServers()), TopicSettings.defaults());
            run.startApps(progress);
            env.writeEndpoints(options.endpointsFile());
            return run;
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
    }

    /** The settings the local apps run with: every endpoint of the environment, short local timeouts. */
    static Settings appSettings(LocalEnvironment env, Path stateDir) {
        Map<String, String> s = new HashMap<>();
        s.put("kafka.bootstrap.servers", env.kafka().bootstrapServers());
        s.put("schema.registry.url", env.registryUrl());
        List<String> queues = new ArrayList<>();
        List<String> deadLetterQueues = new ArrayList<>();
        for (Map.Entry<String, EmbeddedSqs.QueuePair> e : env.queuesByRegion().entrySet()) {
            queues.add(e.getKey() + "=" + e.getValue().queueUrl());
            deadLetterQueues.add(e.getKey() + "=" + e.getValue().deadLetterQueueUrl());
            s.put("bridge.sqs.endpoint." + e.getKey(), env.sqsByRegion().get(e.getKey()).endpoint().toString());
        }
        s.put("bridge.queues", String.join(",", queues));
        s.put("bridge.dead-letter-queues", String.join(",", deadLetterQueues));
        s.put("bridge.sts.endpoint", env.sts().endpoint().toString());
        s.put("bridge.aws.access-key-id", "local");
        s.put("bridge.aws.secret-access-key", "local");
        // The one local-only origin the ResponseURL policy admits: the S3 stand-in.
        s.put("bridge.response-url.local-origin", env.s3().origin());
        s.put("bridge.sqs.wait-time", "1s");
        s.put("processor.http.bind-address", "127.0.0.1");
        s.put("processor.http.advertised-host", "127.0.0.1");
        s.put("processor.http.port", "0");
        s.put("processor.standby-replicas", "0");
        s.put("processor.state-dir", stateDir.resolve("processor").toString());
        s.put("scheduler.state-dir", stateDir.resolve("scheduler").toString());
        return Settings.of(s);
    }

    private void startApps(ProgressLine progress) {
        try {
            stateDir = Files.createTempDirectory("onboarding-local-state");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a state directory: " + e.getMessage(), e);
        }
        Settings settings = appSettings(environment, stateDir);
        progress.step("starting the processor, the scheduler and the bridge");
        PipelineApps apps = PipelineApps.build(EnumSet.allOf(PipelineApps.App.class), settings, metrics);
        running.add(apps);
        apps.start();
        // One operations endpoint per app, as they would have when deployed apart.
        List<Service> processorServices = new ArrayList<>(apps.processor().stream().toList());
        List<Service> schedulerServices = new ArrayList<>(apps.scheduler().stream().toList());
        OperationsEndpoint bridgeOps = track(OperationsEndpoint.start("127.0.0.1", 0, apps.bridgeServices(), metrics));
        OperationsEndpoint schedulerOps = track(OperationsEndpoint.start("127.0.0.1", 0, schedulerServices, metrics));
        OperationsEndpoint processorOps = track(OperationsEndpoint.start("127.0.0.1", 0, processorServices, metrics));
        environment.putEndpoint("http.bridge.url", bridgeOps.url());
        environment.putEndpoint("http.scheduler.url", schedulerOps.url());
        environment.putEndpoint("http.processor.url", apps.processor().flatMap(p -> p.queryUrl())
                .map(Object::toString).orElse(processorOps.url()));
        environment.putEndpoint("http.processor.ops.url", processorOps.url());
        RegistrySettings registry = RegistrySettings.from(settings);
        TopicCatalog catalog = TopicCatalog.create(TopicSettings.defaults(), SchemaRegistries.connect(registry), true);
        activity = track(new PipelineActivity(environment.kafka().bootstrapServers(), catalog).start());
    }

    private <T extends AutoCloseable> T track(T closeable) {
        running.add(closeable);
        return closeable;
    }

    /** The services the run stands on. */
    LocalEnvironment environment() {
        return environment;
    }

    /** Where the endpoints were written. */
    Path endpointsFile() {
        return options.endpointsFile();
    }

    /** A one-line summary of what the pipeline has done so far. */
    String statusLine() {
        double delivered = metrics.find(ResponderMetrics.DELIVERED).counters().stream()
                .mapToDouble(c -> c.count()).sum();
        return (activity == null ? "starting" : activity.summary()) + " | responses delivered "
                + (long) delivered;
    }

    @Override
    public void close() {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                System.err.println("warning: could not stop cleanly: " + e.getMessage());
            }
        }
        running.clear();
        environment.close();
        deleteTree(stateDir);
        try {
            Files.deleteIfExists(options.endpointsFile());
        } catch (IOException ignored) {
            // best effort on the way out
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort on the way out
        }
    }
}
