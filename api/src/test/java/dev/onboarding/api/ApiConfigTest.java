package dev.onboarding.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.api.auth.AuthConfig;
import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiConfigTest {
    private static final Map<String, String> REQUIRED = Map.of(
            "api.auth.jwks-url", "https://issuer.example.com/.well-known/jwks.json",
            "api.auth.issuer", "https://issuer.example.com",
            "api.auth.audience", "onboarding-api",
            "request.template-url", "https://bucket.s3.amazonaws.com/customer.json",
            "request.provider-account-id", "444455556666");

    @Test
    void defaultsAreDocumented() {
        ApiConfig config = ApiConfig.from(Settings.of(REQUIRED));

        assertThat(config.port()).isEqualTo(8088);
        assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(config.corsAllowedOrigins()).isEmpty();
        assertThat(config.rateLimitPerSecond()).isEqualTo(10);
        assertThat(config.rateLimitBurst()).isEqualTo(20);
        assertThat(config.createTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.readYourWritesTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.auth().tenantClaim()).isEqualTo("tenant");
        assertThat(config.auth().refreshInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.requests().consoleRegion()).isEqualTo("us-east-1");
    }

    @Test
    void theBoundsOfWaitingHaveDocumentedDefaultsAndNameTheirKey() {
        WatchConfig watch = ApiConfig.from(Settings.of(REQUIRED)).watch();

        assertThat(watch.maxPerTenant()).isEqualTo(100);
        assertThat(watch.maxPerInstance()).isEqualTo(10_000);
        assertThat(watch.heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(watch.maxBufferedBytes()).isEqualTo(65_536);
        assertThat(watch.slowReaderTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertRefused(Map.of("api.watch.max-per-tenant", "20", "api.watch.max-per-instance", "10"),
                "api.watch.max-per-tenant");
        assertRefused(Map.of("api.sse.heartbeat-interval", "500ms"), "api.sse.heartbeat-interval");
        assertRefused(Map.of("api.sse.max-buffered-bytes", "100"), "api.sse.max-buffered-bytes");
        assertRefused(Map.of("api.sse.slow-reader-timeout", "10ms"), "api.sse.slow-reader-timeout");
    }

    @Test
    void thePagesTokenEndpointIsAPathOrAnHttpsUrl() {
        assertThat(ApiConfig.from(Settings.of(REQUIRED)).page()).isEqualTo(new PageConfig(true,
                java.util.Optional.empty(), true));
        Map<String, String> values = new HashMap<>(REQUIRED);
        values.put("api.page.token-endpoint", "/session/token");
        assertThat(ApiConfig.from(Settings.of(values)).page().tokenEndpoint()).hasValue(java.net.URI.create(
                "/session/token"));
        assertRefused(Map.of("api.page.token-endpoint", "http://auth.example.com/token"), "api.page.token-endpoint");
        assertRefused(Map.of("api.page.token-endpoint", "token"), "api.page.token-endpoint");
    }

    @Test
    void environmentVariablesOverrideTheFile() {
        ApiConfig config = ApiConfig.from(Settings.of(REQUIRED, Map.of("ONBOARDING_API_HTTP_PORT", "9000",
                "ONBOARDING_API_CORS_ALLOWED_ORIGINS", "https://app.example.com, http://localhost:3000")));

        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.corsAllowedOrigins()).containsExactly("https://app.example.com", "http://localhost:3000");
    }

    @Test
    void badValuesNameTheirKey() {
        assertRefused(Map.of("api.cors.allowed-origins", "*"), "api.cors.allowed-origins");
        assertRefused(Map.of("api.cors.allowed-origins", "https://app.example.com/path"), "api.cors.allowed-origins");
        assertRefused(Map.of("api.auth.jwks-file", "/etc/jwks.json"), "api.auth.jwks-url");
        assertRefused(Map.of("api.auth.jwks-min-refetch-interval", "100ms"), "api.auth.jwks-min-refetch-interval");
        assertRefused(Map.of("api.create-timeout", "0s"), "api.create-timeout");
        assertRefused(Map.of("api.rate-limit.burst", "0"), "api.rate-limit.burst");
        assertRefused(Map.of("api.http.port", "70000"), "api.http.port");
    }

    @Test
    void theApiCountsAsConfiguredOnceAnyAuthKeyIsSet() {
        assertThat(AuthConfig.isConfigured(Settings.of(Map.of()))).isFalse();
        assertThat(AuthConfig.isConfigured(Settings.of(Map.of("kafka.bootstrap.servers", "k:9092")))).isFalse();
        assertThat(AuthConfig.isConfigured(Settings.of(Map.of(), Map.of("ONBOARDING_API_AUTH_ISSUER", "x"))))
                .isTrue();
    }

    private static void assertRefused(Map<String, String> overrides, String key) {
        Map<String, String> values = new HashMap<>(REQUIRED);
        values.putAll(overrides);
        assertThatThrownBy(() -> ApiConfig.from(Settings.of(values))).isInstanceOf(SettingsException.class)
                .hasMessageContaining(key);
    }
}
