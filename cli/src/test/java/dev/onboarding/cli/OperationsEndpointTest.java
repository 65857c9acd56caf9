package dev.onboarding.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.runtime.Service;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /health}, {@code /ready} and {@code /metrics}, and the app commands' start-up errors. */
class OperationsEndpointTest {
    private final HttpClient http = HttpClient.newHttpClient();

    /** A service whose readiness the test sets. */
    private static final class Switchable implements Service {
        final AtomicBoolean ready = new AtomicBoolean();
        final AtomicBoolean alive = new AtomicBoolean(true);

        @Override
        public String name() {
            return "switchable";
        }

        @Override
        public void start() {
        }

        @Override
        public boolean isReady() {
            return ready.get();
        }

        @Override
        public boolean isAlive() {
            return alive.get();
        }

        @Override
        public void close() {
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReadyAndMetricsFollowTheServices() throws Exception {
        Switchable service = new Switchable();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("bridge.ingress.received").tag("region", "us-east-1").register(metrics).increment(3);
        try (OperationsEndpoint ops = OperationsEndpoint.start("127.0.0.1", 0, List.of(service), metrics)) {
            assertThat(get(ops.url() + "/health").statusCode()).isEqualTo(200);
            HttpResponse<String> notReady = get(ops.url() + "/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("switchable DOWN");

            service.ready.set(true);
            assertThat(get(ops.url() + "/ready").statusCode()).isEqualTo(200);

            HttpResponse<String> scrape = get(ops.url() + "/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain"));
            assertThat(scrape.body()).contains("bridge_ingress_received_total{region=\"us-east-1\"} 3.0");

            service.alive.set(false);
            assertThat(get(ops.url() + "/health").statusCode()).isEqualTo(503);
        }
    }

    @Test
    void appCommandsStopOnABadKeyWithOneLineNamingIt(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("app.properties"),
                "kafka.bootstrap.servers=127.0.0.1:1\nschema.registry.url=mock://ops-test\n");
        CommandRun mockRegistry = CommandRun.of("processor", "--config", config.toString());
        assertThat(mockRegistry.exitCode()).isEqualTo(1);
        assertThat(mockRegistry.err().strip()).startsWith("error: config schema.registry.url must name a real registry")
                .doesNotContain("\n");

        Path noQueues = Files.writeString(dir.resolve("bridge.properties"),
                "kafka.bootstrap.servers=127.0.0.1:1\nschema.registry.url=http://127.0.0.1:1\n");
        CommandRun bridge = CommandRun.of("bridge", "--config", noQueues.toString());
        assertThat(bridge.exitCode()).isEqualTo(1);
        assertThat(bridge.err().strip()).startsWith("error: config bridge.queues").doesNotContain("\n");

        Path badPort = Files.writeString(dir.resolve("port.properties"),
                "kafka.bootstrap.servers=127.0.0.1:1\nschema.registry.url=http://127.0.0.1:1\nops.http.port=http\n");
        CommandRun scheduler = CommandRun.of("scheduler", "--config", badPort.toString());
        assertThat(scheduler.exitCode()).isEqualTo(1);
        assertThat(scheduler.err().strip()).startsWith("error: config ops.http.port must be a whole number");
    }
}
