package dev.onboarding.cli;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicSettings;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Runs one or more of the pipeline's apps until SIGTERM or Ctrl-C, with the operations endpoint
 * ({@code /health}, {@code /ready}, {@code /metrics}) on {@code ops.http.host}:{@code ops.http.port}.
 */
abstract class RunAppCommand implements Runnable {
    @CommandLine.Mixin
    ConfigOption config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Which apps this command runs. */
    abstract Set<PipelineApps.App> apps();

    @Override
    public void run() {
        Settings settings = config.settings();
        PrintWriter out = spec.commandLine().getOut();
        String host = settings.string("ops.http.host", "0.0.0.0");
        int port = settings.integer("ops.http.port", 8080, 0, 65535);
        if (settings.bool("topics.create-on-start", false)) {
            for (TopicCreator.Outcome outcome : TopicsCommand.Create.create(KafkaSettings.from(settings),
                    TopicSettings.from(settings))) {
                out.printf("topic %s: %s %s%n", outcome.topic(), outcome.action(), outcome.detail());
            }
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        PipelineApps apps = PipelineApps.build(apps(), settings, metrics);
        CountDownLatch stopped = new CountDownLatch(1);
        OperationsEndpoint ops = OperationsEndpoint.start(host, port, apps.services(), metrics);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            apps.close();
            ops.close();
            stopped.countDown();
        }, "onboarding-shutdown"));
        apps.start();
        out.println(spec.name() + " started; operations endpoint at " + ops.url()
                + apps.processor().flatMap(p -> p.queryUrl()).map(u -> "; queries at " + u).orElse("")
                + apps.api().flatMap(a -> a.url()).map(u -> "; API at " + u).orElse(""));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code onboarding bridge}. */
    @Command(name = "bridge", description = "Run the bridge: regional SQS queues to Kafka, and CloudFormation responses.")
    static final class Bridge extends RunAppCommand {
        @Override
        Set<PipelineApps.App> apps() {
            return EnumSet.of(PipelineApps.App.BRIDGE);
        }
    }

    /** {@code onboarding processor}. */
    @Command(name = "processor", description = "Run the processor: decides every CloudFormation callback.")
    static final class Processor extends RunAppCommand {
        @Override
        Set<PipelineApps.App> apps() {
            return EnumSet.of(PipelineApps.App.PROCESSOR);
        }
    }

    /** {@code onboarding scheduler}. */
    @Command(name = "scheduler", description = "Run the scheduler: emits collection jobs for connected accounts.")
    static final class Scheduler extends RunAppCommand {
        @Override
        Set<PipelineApps.App> apps() {
            return EnumSet.of(PipelineApps.App.SCHEDULER);
        }
    }

    /** {@code onboarding api}. */
    @Command(name = "api", description = "Run the API: create, read and cancel integrations over authenticated HTTP.")
    static final class Api extends RunAppCommand {
        @Override
        Set<PipelineApps.App> apps() {
            return EnumSet.of(PipelineApps.App.API);
        }
    }

    /** {@code onboarding all}. */
    @Command(name = "all", description = "Run the bridge, the processor and the scheduler in one JVM, and the API "
            + "when api.auth.* is configured.")
    static final class All extends RunAppCommand {
        @Override
        Set<PipelineApps.App> apps() {
            return EnumSet.allOf(PipelineApps.App.class);
        }
    }
}
