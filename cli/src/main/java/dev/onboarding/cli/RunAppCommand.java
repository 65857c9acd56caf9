package dev.onboarding.cli;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicSettings;
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
 * ({@code /health}, {@code /ready}, {@code /metrics}) on {@code ops.http.host}:{@code ops.http.port}. One class
 * for the {@code bridge}, {@code processor}, {@code scheduler}, {@code api} and {@code all} commands (see
 * {@link #addTo}).
 */
@Command
final class RunAppCommand implements Runnable {
    @CommandLine.Mixin
    ConfigOption config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Set<PipelineApps.App> apps;

    private RunAppCommand(Set<PipelineApps.App> apps) {
        this.apps = EnumSet.copyOf(apps);
    }

    /** Adds {@code bridge}, {@code processor}, {@code scheduler}, {@code api} and {@code all} to {@code root}. */
    static void addTo(CommandLine root) {
        add(root, "bridge", "Run the bridge: regional SQS queues to Kafka, and CloudFormation responses.",
                EnumSet.of(PipelineApps.App.BRIDGE));
        add(root, "processor", "Run the processor: decides every CloudFormation callback.",
                EnumSet.of(PipelineApps.App.PROCESSOR));
        add(root, "scheduler", "Run the scheduler: emits collection jobs for connected accounts.",
                EnumSet.of(PipelineApps.App.SCHEDULER));
        add(root, "api", "Run the API: create, read and cancel integrations over authenticated HTTP.",
                EnumSet.of(PipelineApps.App.API));
        add(root, "all", "Run the bridge, the processor and the scheduler in one JVM, and the API when "
                + "api.auth.* is configured.", EnumSet.allOf(PipelineApps.App.class));
    }

    private static void add(CommandLine root, String name, String description, Set<PipelineApps.App> apps) {
        CommandLine.Model.CommandSpec command = CommandLine.Model.CommandSpec.forAnnotatedObject(
                new RunAppCommand(apps));
        command.usageMessage().description(description);
        root.addSubcommand(name, command);
    }

    @Override
    public void run() {
        Settings settings = config.settings();
        PrintWriter out = spec.commandLine().getOut();
        String host = settings.string("ops.http.host", "0.0.0.0");
        int port = settings.integer("ops.http.port", OperationsEndpoint.DEFAULT_PORT, 0, 65535);
        if (settings.bool("topics.create-on-start", false)) {
            for (TopicCreator.Outcome outcome : TopicCreator.createAll(KafkaSettings.from(settings),
                    TopicSettings.from(settings))) {
                out.printf("topic %s: %s %s%n", outcome.topic(), outcome.action(), outcome.detail());
            }
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PipelineApps apps = PipelineApps.build(this.apps, settings, metrics);
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
}
