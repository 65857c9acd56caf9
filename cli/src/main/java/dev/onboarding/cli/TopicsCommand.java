package dev.onboarding.cli;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicSettings;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code onboarding topics create}: creates every topic of the catalog, idempotently. */
@Command(name = "topics", description = "Manage the pipeline's topics.",
        subcommands = {TopicsCommand.Create.class, CommandLine.HelpCommand.class})
final class TopicsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Creates missing topics and corrects the settings of existing ones. */
    @Command(name = "create", description = "Create every topic with its settings (safe to run again).")
    static final class Create implements Runnable {
        @CommandLine.Mixin
        ConfigOption config;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Settings settings = config.settings();
            PrintWriter out = spec.commandLine().getOut();
            for (TopicCreator.Outcome outcome : TopicCreator.createAll(KafkaSettings.from(settings),
                    TopicSettings.from(settings))) {
                out.printf("%-40s %-18s %s%n", outcome.topic(), outcome.action(), outcome.detail());
            }
        }
    }
}
