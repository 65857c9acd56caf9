package dev.onboarding.cli;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.schemas.topics.TopicSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
            TopicsCommand.Create.create(KafkaSettings.of(env.kafka().bootstrapServers()), TopicSettings.defaults());
            // The apps (bridge, processor, scheduler) are started here once they are wired in.
            env.writeEndpoints(options.endpointsFile());
            return run;
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
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
        return "running";
    }

    @Override
    public void close() {
        environment.close();
        try {
            Files.deleteIfExists(options.endpointsFile());
        } catch (IOException ignored) {
            // best effort on the way out
        }
    }
}
