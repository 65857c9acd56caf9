package dev.onboarding.cli;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.config.Settings;
import dev.onboarding.schemas.topics.TopicCreator;
import dev.onboarding.schemas.topics.TopicSettings;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
            for (TopicCreator.Outcome outcome : create(KafkaSettings.from(settings), TopicSettings.from(settings))) {
                out.printf("%-40s %-18s %s%n", outcome.topic(), outcome.action(), outcome.detail());
            }
        }

        /** Creates the topics with an admin client built from {@code kafka}. */
        static List<TopicCreator.Outcome> create(KafkaSettings kafka, TopicSettings topics) {
            Map<String, Object> props = kafka.clientProperties();
            props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
            try (Admin admin = Admin.create(props)) {
                return new TopicCreator(admin, 30_000).createAll(topics);
            }
        }
    }
}
