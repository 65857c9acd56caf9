package dev.onboarding.cli;

import dev.onboarding.api.ApiApp;
import dev.onboarding.api.ApiConfig;
import dev.onboarding.api.auth.AuthConfig;
import dev.onboarding.bridge.egress.CloudFormationResponder;
import dev.onboarding.bridge.egress.EgressConfig;
import dev.onboarding.bridge.ingress.BridgeIngress;
import dev.onboarding.bridge.ingress.IngressConfig;
import dev.onboarding.bridge.verification.RoleVerificationService;
import dev.onboarding.bridge.verification.VerificationConfig;
import dev.onboarding.config.ConfigKeys;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import dev.onboarding.processor.ProcessorApp;
import dev.onboarding.processor.ProcessorConfig;
import dev.onboarding.processor.ProcessorMetrics;
import dev.onboarding.processor.health.HealthConfig;
import dev.onboarding.runtime.Service;
import dev.onboarding.scheduler.SchedulerApp;
import dev.onboarding.scheduler.SchedulerConfig;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's apps as services, built from one {@link Settings}: the bridge (ingress, role verifier
 * and responder), the processor, the scheduler and the API, with the JVM's meters and each service's readiness
 * ({@code onboarding_service_ready}). Starting binds the Streams apps' metrics to the
 * process's meter registry; closing stops them in reverse order (ingress first, so nothing new
 * enters while the rest drains). The one way an app runs: the {@code bridge}, {@code processor},
 * {@code scheduler}, {@code api} and {@code all} commands and the local run all build their apps here.
 */
public final class PipelineApps implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineApps.class);

    /** The apps this command line can run. */
    public enum App {
        /** SQS to Kafka, and CloudFormation responses. */
        BRIDGE,
        /** Decides every callback. */
        PROCESSOR,
        /** Emits collection jobs. */
        SCHEDULER,
        /** The provider's HTTP API; among several apps only when {@code api.auth.*} is configured. */
        API
    }

    private final List<Service> services = new ArrayList<>();
    private final List<AutoCloseable> meterBindings = new ArrayList<>();
    private final MeterRegistry metrics;
    private BridgeIngress ingress;
    private CloudFormationResponder responder;
    private RoleVerificationService verifier;
    private ProcessorApp processor;
    private SchedulerApp scheduler;
    private ApiApp api;

    private PipelineApps(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /**
     * Builds (does not start) the given apps; fails naming the bad key on bad config. The API alone is always
     * built (its missing keys are the error); beside other apps only when {@code api.auth.*} is configured, so
     * configurations written before it existed keep starting.
     */
    public static PipelineApps build(Set<App> apps, Settings settings, PrometheusMeterRegistry metrics) {
        // Every app's prefix, whichever apps run here: a typo in a shared configuration stops every process.
        settings.requireKnownKeys(configKeys());
        RegistrySettings registry = RegistrySettings.from(settings);
        if (registry.url().startsWith("mock://")) {
            // A process-local registry would write schema ids no other process can read.
            throw new SettingsException("schema.registry.url", "must name a real registry (mock:// is for unit tests)");
        }
        PipelineApps built = new PipelineApps(metrics);
        EnumSet<App> wanted = EnumSet.copyOf(apps);
        if (wanted.contains(App.PROCESSOR)) {
            built.processor = ProcessorApp.from(settings, new ProcessorMetrics(metrics));
            built.services.add(built.processor);
        }
        if (wanted.contains(App.SCHEDULER)) {
            built.scheduler = new SchedulerApp(SchedulerConfig.from(settings), metrics);
            built.services.add(built.scheduler);
        }
        if (wanted.contains(App.API) && (wanted.size() == 1 || AuthConfig.isConfigured(settings))) {
            built.api = ApiApp.from(settings, metrics);
            built.services.add(built.api);
        } else if (wanted.contains(App.API)) {
            LOG.info("not starting the API: no api.auth.* key is set");
        }
        if (wanted.contains(App.BRIDGE)) {
            TopicCatalog catalog = TopicCatalog.create(TopicSettings.from(settings),
                    SchemaRegistries.connect(registry), registry.autoRegister());
            built.responder = new CloudFormationResponder(EgressConfig.from(settings), KafkaSettings.from(settings),
                    catalog, metrics);
            built.verifier = RoleVerificationService.from(settings, metrics);
            built.ingress = BridgeIngress.from(settings, metrics);
            built.services.add(built.responder);
            built.services.add(built.verifier);
            built.services.add(built.ingress);
        }
        // The JVM's own meters, as every app process serves them.
        new JvmMemoryMetrics().bindTo(metrics);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(metrics);
        built.meterBindings.add(gc);
        new JvmThreadMetrics().bindTo(metrics);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(metrics);
        for (Service service : built.services) {
            // What /ready and /health answer, as series: the "not ready" alert and the dashboard read them.
            Gauge.builder("onboarding.service.ready", service, s -> s.isReady() ? 1 : 0).tag("service", service.name())
                    .description("1 while the service does its job (pollers up, Streams RUNNING, copy caught up)")
                    .register(metrics);
            Gauge.builder("onboarding.service.alive", service, s -> s.isAlive() ? 1 : 0).tag("service", service.name())
                    .description("1 while the service is alive (what /health answers)").register(metrics);
        }
        return built;
    }

    /**
     * Every key each app reads under its prefix ({@code bridge.}, {@code processor.}, {@code scheduler.},
     * {@code api.}): any other key under those prefixes stops {@link #build}.
     */
    public static List<ConfigKeys> configKeys() {
        return List.of(IngressConfig.CONFIG_KEYS.and(VerificationConfig.CONFIG_KEYS).and(EgressConfig.CONFIG_KEYS),
                ProcessorConfig.CONFIG_KEYS.and(HealthConfig.CONFIG_KEYS),
                SchedulerConfig.CONFIG_KEYS, ApiConfig.CONFIG_KEYS);
    }

    /** Starts every app (consumers of the pipeline's end first, the ingress last). */
    public void start() {
        for (Service service : services) {
            LOG.info("starting {}", service.name());
            service.start();
        }
        if (processor != null) {
            processor.streams().ifPresent(this::bindStreamsMetrics);
        }
        if (scheduler != null) {
            bindStreamsMetrics(scheduler.streams());
        }
    }

    private void bindStreamsMetrics(org.apache.kafka.streams.KafkaStreams streams) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        binder.bindTo(metrics);
        meterBindings.add(binder);
    }

    /** Every service, in start order. */
    public List<Service> services() {
        return List.copyOf(services);
    }

    /** The bridge's services (ingress, role verifier and responder), if built. */
    public List<Service> bridgeServices() {
        List<Service> bridge = new ArrayList<>();
        Optional.ofNullable(responder).ifPresent(bridge::add);
        Optional.ofNullable(verifier).ifPresent(bridge::add);
        Optional.ofNullable(ingress).ifPresent(bridge::add);
        return bridge;
    }

    /** The processor, if built. */
    public Optional<ProcessorApp> processor() {
        return Optional.ofNullable(processor);
    }

    /** The API, if built. */
    public Optional<ApiApp> api() {
        return Optional.ofNullable(api);
    }

    /** The scheduler, if built. */
    public Optional<SchedulerApp> scheduler() {
        return Optional.ofNullable(scheduler);
    }

    @Override
    public void close() {
        for (AutoCloseable binding : meterBindings) {
            try {
                binding.close();
            } catch (Exception e) {
                LOG.debug("closing a metrics binding failed", e);
            }
        }
        for (int i = services.size() - 1; i >= 0; i--) {
            Service service = services.get(i);
            try {
                service.close();
            } catch (RuntimeException e) {
                LOG.warn("{} did not close cleanly: {}", service.name(), e.toString());
            }
        }
    }
}
