package dev.onboarding.bridge.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerificationConfigTest {

    @Test
    void readsTheDefaults() {
        VerificationConfig config = VerificationConfig.from(Settings.of(Map.of(), Map.of()));

        assertThat(config.maxDuration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.stsRegion()).isEqualTo("us-east-1");
        assertThat(config.sessionName()).isEqualTo("onboarding-role-check");
        assertThat(config.stsEndpoint()).isEmpty();
        assertThat(config.organizationsEndpoint()).isEmpty();
        assertThat(config.ratePerSecond()).isEqualTo(50);
        assertThat(config.ratePerSecondPerAccount()).isEqualTo(2);
        assertThat(config.verificationsPerMinutePerIntegration()).isEqualTo(6);
        assertThat(config.maxTrackedKeys()).isEqualTo(100_000);
        assertThat(config.groupId()).isEqualTo("onboarding-role-verifier");
        assertThat(config.staticCredentials()).isEmpty();
    }

    @Test
    void readsOverrides() {
        VerificationConfig config = VerificationConfig.from(Settings.of(Map.of(
                "bridge.sts.endpoint", "http://127.0.0.1:4567",
                "bridge.organizations.endpoint", "http://127.0.0.1:4568",
                "bridge.verification.max-duration", "5s",
                "bridge.verification.rate-per-integration", "12",
                "bridge.aws.access-key-id", "test",
                "bridge.aws.secret-access-key", "very-secret"), Map.of()));

        assertThat(config.stsEndpoint()).contains(URI.create("http://127.0.0.1:4567"));
        assertThat(config.organizationsEndpoint()).contains(URI.create("http://127.0.0.1:4568"));
        assertThat(config.maxDuration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.verificationsPerMinutePerIntegration()).isEqualTo(12);
        assertThat(config.toString()).doesNotContain("very-secret");
    }

    @Test
    void namesTheBadKey() {
        assertBad(Map.of("bridge.sts.region", "nowhere"), "bridge.sts.region");
        assertBad(Map.of("bridge.sts.session-name", "has space"), "bridge.sts.session-name");
        assertBad(Map.of("bridge.verification.max-backoff", "100ms"), "bridge.verification.max-backoff");
        assertBad(Map.of("bridge.verification.rate-per-account", "100"), "bridge.verification.rate-per-account");
        assertBad(Map.of("bridge.verification.rate-per-integration", "0"), "bridge.verification.rate-per-integration");
        assertBad(Map.of("bridge.sts.endpoint", "not a url"), "bridge.sts.endpoint");
        assertBad(Map.of("bridge.aws.access-key-id", "x"), "bridge.aws.secret-access-key");
    }

    private static void assertBad(Map<String, String> values, String key) {
        assertThatThrownBy(() -> VerificationConfig.from(Settings.of(values, Map.of())))
                .isInstanceOf(SettingsException.class).hasMessageContaining(key);
    }
}
