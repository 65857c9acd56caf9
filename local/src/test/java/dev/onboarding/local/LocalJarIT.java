package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The local jar as built ({@code target/onboarding-local.jar}, what {@code ./onboarding} runs): the production
 * commands and the sandbox's, with everything both need at run time. Runs after {@code package} (failsafe).
 */
class LocalJarIT {
    private static final Path JAR = Path.of("target", "onboarding-local.jar");

    @Test
    void itHoldsTheAppsTheEmbeddedServicesAndTheSandboxsCommands() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> entries = jar.stream().map(JarEntry::getName).toList();

            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("dev.onboarding.cli.Onboarding");
            assertThat(entries).contains("dev/onboarding/cli/Onboarding.class",
                    "dev/onboarding/local/LocalCommand.class",
                    "dev/onboarding/bridge/ingress/BridgeIngress.class",
                    "dev/onboarding/processor/ProcessorApp.class",
                    "dev/onboarding/scheduler/SchedulerApp.class",
                    "dev/onboarding/embedded/EmbeddedKafka.class",
                    "kafka/server/KafkaRaftServer.class",
                    "org/elasticmq/rest/sqs/SQSRestServerBuilder.class",
                    "software/amazon/awssdk/services/sqs/SqsClient.class",
                    "software/amazon/awssdk/services/sts/StsClient.class",
                    "reference.conf",
                    "META-INF/services/dev.onboarding.cli.CommandExtension");
        }
    }

    @Test
    void itRunsEveryCommandTheSandboxsIncluded() throws Exception {
        Path out = Files.createTempFile("onboarding-local-help", ".txt");
        try {
            Process java = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", JAR.toString(), "--help").redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(java.waitFor(60, TimeUnit.SECONDS)).as("java -jar onboarding-local.jar --help ends").isTrue();
            String help = Files.readString(out, StandardCharsets.UTF_8);

            assertThat(java.exitValue()).as(help).isZero();
            assertThat(help.lines().map(String::strip).map(line -> line.split(" ")[0]))
                    .contains("version", "bridge", "processor", "scheduler", "all", "topics", "template", "topology",
                            "dlq", "request", "status", "local", "demo", "simulate", "token", "help");
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
