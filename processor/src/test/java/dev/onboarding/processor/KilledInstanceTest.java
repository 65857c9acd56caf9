package dev.onboarding.processor;

import static dev.onboarding.processor.ExactlyOnceBrokerTest.oneDecisionPerRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.embedded.ApicurioRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The processor in a child JVM, killed with {@code destroyForcibly} in the middle of its work and started
 * again on the same state dir: its state is restored and no decision is lost or doubled.
 */
class KilledInstanceTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aKilledInstanceRestartsWithoutLosingOrDoublingADecision() throws Exception {
        ApicurioRegistry registry = ApicurioRegistry.shared();
        try (BrokerFixture fx = new BrokerFixture(registry.confluentApiUrl(), 3);
                var responses = fx.reader(fx.catalog.cfnResponses())) {
            Path config = writeConfig(fx);
            Path log = fx.newDir("child-log-").resolve("processor.log");
            Instant now = Instant.now();
            List<CfnCallback> creates = new ArrayList<>();
            List<String> externalIds = new ArrayList<>();
            for (int n = 0; n < 24; n++) {
                externalIds.add(TestData.externalId());
                creates.add(TestData.create(externalIds.get(n), "req-" + n, account(n), "stack-" + n, now).build());
            }

            Process child = startChild(config, log);
            try {
                // First batch: fully decided before the kill.
                for (int n = 0; n < 8; n++) {
                    fx.send(TestData.requested("int-" + n, "tenant", externalIds.get(n), now, Duration.ofHours(24)));
                    fx.send(creates.get(n));
                }
                await().atMost(WAIT).untilAsserted(() -> assertThat(requestIds(responses.values()))
                        .hasSize(8));
                Map<String, CfnResponse> before = oneDecisionPerRequest(responses.values());

                // Second batch, killed as soon as its first decisions are visible: the rest is in flight.
                for (int n = 8; n < 16; n++) {
                    fx.send(TestData.requested("int-" + n, "tenant", externalIds.get(n), now, Duration.ofHours(24)));
                    fx.send(creates.get(n));
                }
                await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                        .until(() -> requestIds(responses.values()).size() > 8);
                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

                // While it is down: the rest, redeliveries of decided requests, and checks of restored state.
                for (int n = 16; n < 24; n++) {
                    fx.send(TestData.requested("int-" + n, "tenant", externalIds.get(n), now, Duration.ofHours(24)));
                    fx.send(creates.get(n));
                }
                for (int n = 0; n < 8; n++) {
                    fx.send(creates.get(n));
                }
                // Account of integration 0 is claimed: another integration of the tenant must be refused it.
                String thief = TestData.externalId();
                fx.send(TestData.requested("int-thief", "tenant", thief, now, Duration.ofHours(24)));
                fx.send(TestData.create(thief, "req-thief", account(0), "thief", now).build());
                // External ID 1 is connected: a second stack using it must be refused.
                fx.send(TestData.create(externalIds.get(1), "req-copy", account(1), "copy", now).build());

                child = startChild(config, log);
                await().atMost(WAIT).untilAsserted(() -> assertThat(requestIds(responses.values()))
                        .hasSize(26));
                Map<String, CfnResponse> after = oneDecisionPerRequest(responses.values());
                for (int n = 0; n < 8; n++) {
                    assertThat(after.get("req-" + n)).isEqualTo(before.get("req-" + n));
                }
                for (int n = 0; n < 24; n++) {
                    assertThat(after.get("req-" + n).getStatus()).as("req-%d", n).isEqualTo(ResponseStatus.SUCCESS);
                }
                assertThat(after.get("req-thief").getReason()).contains("already connected to this workspace");
                assertThat(after.get("req-copy").getReason()).contains("already connected to another stack");
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("child log tail:\n" + tail(log), e);
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String account(int n) {
        return String.format("%012d", 200_000 + n);
    }

    private static Set<String> requestIds(List<CfnResponse> responses) {
        return responses.stream().map(CfnResponse::getRequestId).collect(Collectors.toSet());
    }

    private static Path writeConfig(BrokerFixture fx) throws IOException {
        Properties props = new Properties();
        props.putAll(fx.settings);
        props.put("processor.state-dir", fx.newDir("child-state-").toString());
        // The child JVM is kept small: one stream thread.
        props.put("processor.stream-threads", "1");
        Path file = fx.newDir("child-config-").resolve("processor.properties");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, "child processor");
        }
        return file;
    }

    private static Process startChild(Path config, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.onboarding.contract",
                "-cp", System.getProperty("java.class.path"),
                ChildProcessor.class.getName(), config.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
