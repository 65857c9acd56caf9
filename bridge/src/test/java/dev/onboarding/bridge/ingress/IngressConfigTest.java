package dev.onboarding.bridge.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngressConfigTest {
    private static final String QUEUES = "eu-west-1=https://sqs.eu-west-1.amazonaws.com/999999999999/callbacks,"
            + "us-east-1=https://sqs.us-east-1.amazonaws.com/999999999999/callbacks";

    @Test
    void readsDefaults() {
        IngressConfig config = IngressConfig.from(settings(Map.of("bridge.queues", QUEUES)));

        assertThat(config.queues()).extracting(IngressConfig.QueueSpec::region).containsExactly("eu-west-1",
                "us-east-1");
        assertThat(config.queues().get(0).endpoint()).isEmpty();
        assertThat(config.queues().get(0).deadLetterQueueUrl()).isEmpty();
        assertThat(config.pollersPerQueue()).isEqualTo(2);
        assertThat(config.waitTime()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.maxMessages()).isEqualTo(10);
        assertThat(config.responseUrlLocalOrigin()).isEmpty();
        assertThat(config.defaultServiceTimeout()).isEqualTo(Duration.ofSeconds(3600));
        assertThat(config.staticCredentials()).isEmpty();
    }

    @Test
    void readsOverridesAndLocalSettings() {
        Map<String, String> values = new HashMap<>(Map.of("bridge.queues", QUEUES,
                "bridge.sqs.endpoint.eu-west-1", "http://127.0.0.1:9324",
                "bridge.dead-letter-queues", "eu-west-1=http://127.0.0.1:9324/000000000000/callbacks-dlq",
                "bridge.pollers-per-queue", "4",
                "bridge.response-url.local-origin", "http://127.0.0.1:4566",
                "bridge.aws.access-key-id", "test",
                "bridge.aws.secret-access-key", "very-secret",
                "bridge.sts.endpoint", "http://127.0.0.1:4567",
                "bridge.verification.max-duration", "5s"));
        IngressConfig config = IngressConfig.from(settings(values));

        assertThat(config.queues().get(0).endpoint()).contains(URI.create("http://127.0.0.1:9324"));
        assertThat(config.queues().get(0).deadLetterQueueUrl())
                .contains("http://127.0.0.1:9324/000000000000/callbacks-dlq");
        assertThat(config.queues().get(1).endpoint()).isEmpty();
        assertThat(config.pollersPerQueue()).isEqualTo(4);
        assertThat(config.responseUrlLocalOrigin()).contains("http://127.0.0.1:4566");
        assertThat(config.toString()).doesNotContain("very-secret");
    }

    @Test
    void namesTheBadKey() {
        assertBad(Map.of(), "bridge.queues");
        assertBad(Map.of("bridge.queues", "eu-west-1"), "bridge.queues");
        assertBad(Map.of("bridge.queues", "mars-1=https://sqs/x"), "bridge.queues");
        assertBad(Map.of("bridge.queues", "eu-west-1=ftp://x/y"), "bridge.queues");
        assertBad(Map.of("bridge.queues", "eu-west-1=https://a/1,eu-west-1=https://a/2"), "bridge.queues");
        assertBad(Map.of("bridge.queues", QUEUES, "bridge.dead-letter-queues", "ap-south-1=https://a/dlq"),
                "bridge.dead-letter-queues");
        assertBad(Map.of("bridge.queues", QUEUES, "bridge.pollers-per-queue", "0"), "bridge.pollers-per-queue");
        assertBad(Map.of("bridge.queues", QUEUES, "bridge.sqs.wait-time", "21s"), "bridge.sqs.wait-time");
        assertBad(Map.of("bridge.queues", QUEUES, "bridge.sqs.max-messages", "11"), "bridge.sqs.max-messages");
        assertBad(Map.of("bridge.queues", QUEUES, "bridge.sqs.visibility-timeout", "1s"),
                "bridge.sqs.visibility-timeout");
        assertBad(Map.of("bridge.queues", QUEUES, "bridge.response-url.local-origin", "http://example.com:80"),
                "bridge.response-url.local-origin");
        assertBad(Map.of("bridge.queues", QUEUES, "bridge.aws.access-key-id", "x"), "bridge.aws.secret-access-key");
        assertBad(Map.of("bridge.queues", QUEUES, "bridge.sqs.endpoint.eu-west-1", "not a url"),
                "bridge.sqs.endpoint.eu-west-1");
    }

    private static void assertBad(Map<String, String> values, String key) {
        assertThatThrownBy(() -> IngressConfig.from(settings(values)))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(key);
    }

    private static Settings settings(Map<String, String> values) {
        return Settings.of(values, Map.of());
    }

}
