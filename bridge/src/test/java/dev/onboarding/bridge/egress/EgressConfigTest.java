package dev.onboarding.bridge.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EgressConfigTest {

    @Test
    void defaults() {
        EgressConfig config = EgressConfig.from(Settings.of(Map.of()));
        assertThat(config.groupId()).isEqualTo("onboarding-bridge-responder");
        assertThat(config.maxInFlight()).isEqualTo(256);
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.backoffBase()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.backoffMax()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.localOrigin()).isEmpty();
        assertThat(config.urlPolicy().check("http://127.0.0.1:8080/x", "eu-west-1").allowed()).isFalse();
    }

    @Test
    void readsEveryKeyAndTheEnvironment() {
        EgressConfig config = EgressConfig.from(Settings.of(Map.of(
                "bridge.egress.group-id", "g",
                "bridge.egress.max-in-flight", "8",
                "bridge.egress.backoff.base", "100ms",
                "bridge.egress.backoff.max", "2s",
                "bridge.response-url.local-origin", "http://127.0.0.1:9999"),
                Map.of("ONBOARDING_BRIDGE_EGRESS_REQUEST_TIMEOUT", "5s")));
        assertThat(config.groupId()).isEqualTo("g");
        assertThat(config.maxInFlight()).isEqualTo(8);
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.retrySchedule()).isEqualTo(new RetrySchedule(Duration.ofMillis(100), Duration.ofSeconds(2)));
        assertThat(config.urlPolicy().check("http://127.0.0.1:9999/x", null).allowed()).isTrue();
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> EgressConfig.from(Settings.of(Map.of("bridge.egress.max-in-flight", "0"))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("bridge.egress.max-in-flight");
        assertThatThrownBy(() -> EgressConfig.from(Settings.of(Map.of("bridge.egress.backoff.max", "10ms"))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("bridge.egress.backoff.max");
        assertThatThrownBy(() -> EgressConfig.from(Settings.of(Map.of("bridge.egress.request-timeout", "0s"))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("bridge.egress.request-timeout");
        assertThatThrownBy(() -> EgressConfig.from(Settings.of(Map.of(
                "bridge.response-url.local-origin", "http://10.0.0.5:80"))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("bridge.response-url.local-origin");
    }
}
