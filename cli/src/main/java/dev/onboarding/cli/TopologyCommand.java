package dev.onboarding.cli;

import dev.onboarding.processor.ProcessorApp;
import dev.onboarding.scheduler.SchedulingTopology;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code onboarding topology processor|scheduler}: prints a Streams app's topology description. */
@Command(name = "topology", description = "Print the Kafka Streams topology of the processor or the scheduler.")
final class TopologyCommand implements Runnable {
    /** The Streams apps. */
    enum StreamsApp {
        /** The processor. */
        processor,
        /** The scheduler. */
        scheduler
    }

    @Parameters(index = "0", paramLabel = "processor|scheduler", description = "Which app.")
    StreamsApp app;

    @CommandLine.Mixin
    ConfigOption config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // Describing needs no broker or registry; topic names and settings come from the config.
        String description = switch (app) {
            case processor -> ProcessorApp.describeTopology(config.settings());
            case scheduler -> SchedulingTopology.description(config.settings());
        };
        spec.commandLine().getOut().println(description);
    }
}
