package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production jar as built ({@code target/onboarding.jar}, what the Dockerfile ships): every app, and nothing
 * of the embedded services or the local sandbox. Runs after {@code package} (failsafe).
 */
class ProductionJarIT {
    private static final Path JAR = Path.of("target", "onboarding.jar");

    /** Where the classes of what only tests and the local run need would be. */
    private static final List<String> SANDBOX_ONLY = List.of(
            "dev/onboarding/embedded/",     // the embedded services and the Apicurio launcher
            "dev/onboarding/local/",        // the local, demo, simulate and token commands, the page's local routes
            "kafka/",                       // the Kafka broker (kafka_2.13; the clients keep only a version file here)
            "org/apache/kafka/raft/",
            "scala/",
            "org/elasticmq/",               // ElasticMQ and its Pekko
            "org/apache/pekko/",
            "com/github/tomakehurst/wiremock/", // WireMock (the STS and S3 stand-ins)
            "wiremock/",
            "org/wiremock/",
            "io/apicurio/",
            "org/apache/commons/compress/"); // unpacks Apicurio

    private static List<String> entries;

    @BeforeAll
    static void readTheJar() throws IOException {
        assertThat(JAR).as("the shaded production jar").isRegularFile();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            entries = jar.stream().map(JarEntry::getName).toList();
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("dev.onboarding.cli.Onboarding");
        }
    }

    @Test
    void everyAppIsInIt() {
        assertThat(entries).contains("dev/onboarding/cli/Onboarding.class",
                "dev/onboarding/bridge/ingress/BridgeIngress.class",
                "dev/onboarding/bridge/egress/CloudFormationResponder.class",
                "dev/onboarding/processor/ProcessorApp.class",
                "dev/onboarding/scheduler/SchedulerApp.class",
                "dev/onboarding/config/Settings.class",
                "org/apache/kafka/streams/KafkaStreams.class",
                "software/amazon/awssdk/services/sqs/SqsClient.class",
                "software/amazon/awssdk/services/sts/StsClient.class",
                "cloudformation/customer.json",
                "cloudformation/organization.json");
    }

    @Test
    void nothingOfTheEmbeddedServicesOrTheSandboxIsInIt() {
        for (String prefix : SANDBOX_ONLY) {
            assertThat(entries).as(prefix).noneMatch(name -> name.startsWith(prefix) && name.endsWith(".class"));
        }
        assertThat(entries).doesNotContain("META-INF/services/dev.onboarding.cli.CommandExtension");
    }

    @Test
    void itRunsTheProductionCommandsAndNoSandboxCommand() throws Exception {
        Path out = Files.createTempFile("onboarding-help", ".txt");
        try {
            Process java = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", JAR.toString(), "--help").redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(java.waitFor(60, TimeUnit.SECONDS)).as("java -jar onboarding.jar --help ends").isTrue();
            String help = Files.readString(out, StandardCharsets.UTF_8);

            assertThat(java.exitValue()).as(help).isZero();
            assertThat(help).contains("bridge", "processor", "scheduler", "all", "topics", "template", "topology",
                    "dlq", "request", "status", "version");
            assertThat(help.lines().map(String::strip)).noneMatch(line -> line.startsWith("local ")
                    || line.startsWith("demo ") || line.startsWith("simulate ") || line.startsWith("token "));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
