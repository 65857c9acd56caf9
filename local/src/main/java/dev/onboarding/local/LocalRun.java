package dev.onboarding.local;

import dev.onboarding.api.ApiApp;
import dev.onboarding.bridge.egress.ResponderMetrics;
import dev.onboarding.cli.EndpointsFile;
import dev.onboarding.cli.OperationsEndpoint;
import dev.onboarding.cli.PipelineApps;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.embedded.DevTokenIssuer;
import dev.onboarding.embedded.StackSettings;
import dev.onboarding.runtime.Service;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local stack as one object: the embedded services, the topics, and the apps (bridge, processor, scheduler and
 * the API with a dev token issuer) in this JVM, with every endpoint written to a properties file. Used by
 * {@code local} and {@code demo}.
 */
final class LocalRun implements AutoCloseable {
    /**
     * How often the local run verifies each connected role again: with the default three denials in a row, a revoked
     * role is UNREACHABLE within about 40 seconds (and within the verifier's six verifications a minute per
     * integration).
     */
    static final String LOCAL_REVERIFICATION_INTERVAL = "12s";

    /**
     * What to start.
     *
     * @param regions the simulated regions
     * @param registryUrl a registry to use instead of starting one
     * @param endpointsFile where the endpoints are written
     * @param apiPort the API's port on loopback (0: any free one)
     */
    record Options(List<String> regions, Optional<String> registryUrl, Path endpointsFile, int apiPort) {
    }

    /** The endpoints-file key of the dev issuer's private key ({@code onboarding token} signs with it). */
    static final String DEV_TOKEN_KEY_FILE = "api.dev-token.key-file";
    /** The endpoints-file key of the dev issuer's public JWK set (what the local API verifies against). */
    static final String DEV_TOKEN_JWKS_FILE = "api.dev-token.jwks-file";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Options options;
    private final LocalEnvironment environment;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> running = new ArrayList<>();
    private Path stateDir;
    private PipelineActivity activity;
    private PipelineApps apps;

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
            run.awaitReady(progress);
            env.writeEndpoints(options.endpointsFile());
            return run;
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
    }

    /** The settings the local apps run with: every endpoint of the environment, short local timeouts. */
    static StackSettings appSettings(LocalEnvironment env, Path stateDir) {
        return env.stackSettings()
                .awsCredentials("local", "local")
                .with("bridge.sqs.wait-time", "1s")
                .loopbackQueries()
                .with("processor.http.port", "0")
                .with("processor.standby-replicas", "0")
                .stateDir(stateDir);
    }

    private void startApps(ProgressLine progress) {
        try {
            stateDir = Files.createTempDirectory("onboarding-local-state");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a state directory: " + e.getMessage(), e);
        }
        // The stand-in identity provider: its key files live (owner-only) in the state dir and go with it.
        DevTokenIssuer issuer = track(DevTokenIssuer.create(stateDir.resolve("dev-token")));
        Settings settings = Settings.of(appSettings(environment, stateDir)
                .api(issuer, stateDir)
                .with("api.http.port", Integer.toString(options.apiPort()))
                .with("request.template-url", SimulateRequestCommand.LOCAL_TEMPLATE_URL)
                .with("request.organization-template-url", SimulateRequestCommand.LOCAL_ORGANIZATION_TEMPLATE_URL)
                .with("request.provider-account-id", LocalEnvironment.PROVIDER_ACCOUNT)
                // Roles are verified again often here, so `simulate revoke-role` shows within a minute.
                .with("scheduler.reverification.interval", LOCAL_REVERIFICATION_INTERVAL)
                .build());
        progress.step("starting the processor, the scheduler, the bridge and the API");
        apps = PipelineApps.build(EnumSet.allOf(PipelineApps.App.class), settings, metrics);
        // The onboarding page's Tenant picker and "Simulate the stack here", on the API's loopback server.
        SimulatedCloudFormation cloudFormation = track(new SimulatedCloudFormation(
                EndpointsFile.of(environment.endpoints()), Clock.systemUTC()));
        apps.api().ifPresent(api -> api.extend(new SandboxPageRoutes(issuer, cloudFormation, options.regions())));
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
        environment.putEndpoint(EndpointsFile.API_URL, apiUrl().toString());
        environment.putEndpoint(DEV_TOKEN_KEY_FILE, issuer.keyFile().toString());
        environment.putEndpoint(DEV_TOKEN_JWKS_FILE, issuer.jwksFile().toString());
        RegistrySettings registry = RegistrySettings.from(settings);
        TopicCatalog catalog = TopicCatalog.create(TopicSettings.defaults(), SchemaRegistries.connect(registry), true);
        activity = track(new PipelineActivity(environment.kafka().bootstrapServers(), catalog).start());
    }

    /** Waits until every app says it is ready (the API's copy caught up, Streams running), so "ready" means it. */
    private void awaitReady(ProgressLine progress) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!isReady()) {
            if (System.nanoTime() - deadline > 0) {
                progress.step("warning: not every app is ready after " + READY_TIMEOUT.toSeconds() + " s: "
                        + apps.services().stream().filter(s -> !s.isReady()).map(Service::name).toList());
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the apps", e);
            }
        }
    }

    /** Whether every app is ready. */
    boolean isReady() {
        return apps != null && apps.services().stream().allMatch(Service::isReady);
    }

    private <T extends AutoCloseable> T track(T closeable) {
        running.add(closeable);
        return closeable;
    }

    /** The services the run stands on. */
    LocalEnvironment environment() {
        return environment;
    }

    /** The API's base URL (the onboarding page is at its root). */
    URI apiUrl() {
        return apps.api().flatMap(ApiApp::url).orElseThrow(() -> new IllegalStateException("the API is not serving"));
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
