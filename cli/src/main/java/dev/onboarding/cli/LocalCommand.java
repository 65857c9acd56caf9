package dev.onboarding.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code onboarding local}: the whole stack on loopback, with no AWS account. Writes every endpoint
 * to a properties file, and stops cleanly on Ctrl-C or SIGTERM.
 */
@Command(name = "local", description = "Run the whole pipeline locally on embedded services (loopback only).")
final class LocalCommand implements Runnable {
    @Option(names = "--endpoints-file", paramLabel = "FILE", defaultValue = "local-endpoints.properties",
            description = "Where to write the endpoints (default: ${DEFAULT-VALUE}); removed on clean exit.")
    Path endpointsFile;

    @Option(names = "--regions", split = ",", paramLabel = "REGION",
            defaultValue = "us-east-1,eu-west-1", description = "Simulated AWS regions (default: ${DEFAULT-VALUE}).")
    List<String> regions;

    @Option(names = "--registry-url", paramLabel = "URL",
            description = "Use this Confluent-compatible schema registry instead of starting one.")
    String registryUrl;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        ProgressLine progress = new ProgressLine(out);
        CountDownLatch stopped = new CountDownLatch(1);
        LocalEnvironment env = LocalEnvironment.start(regions, Optional.ofNullable(registryUrl), progress);
        Thread hook = new Thread(() -> {
            progress.step("stopping");
            env.close();
            deleteQuietly(endpointsFile);
            stopped.countDown();
        }, "onboarding-local-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        progress.step("creating topics");
        TopicsCommand.Create.create(dev.onboarding.config.KafkaSettings.of(env.kafka().bootstrapServers()),
                dev.onboarding.schemas.topics.TopicSettings.defaults());
        env.writeEndpoints(endpointsFile);
        progress.step("ready; endpoints written to " + endpointsFile.toAbsolutePath());
        for (Map.Entry<String, String> e : env.endpoints().entrySet()) {
            out.printf("  %-32s %s%n", e.getKey(), e.getValue());
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort on the way out
        }
    }
}
