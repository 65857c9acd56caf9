package dev.onboarding.api;

import dev.onboarding.api.auth.AuthConfig;
import dev.onboarding.config.ConfigKeys;
import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import dev.onboarding.schemas.requests.RequestConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of the API, read from the {@code api.*} keys (and the {@code request.*} keys of the quick-create
 * link) in one place and checked at start-up. Kafka ({@code kafka.*}), topics ({@code topics.*}) and the registry
 * ({@code schema.registry.*}) are read by their own settings classes.
 *
 * @param bindAddress address the HTTP server binds
 * @param port its port; 0 picks a free one
 * @param corsAllowedOrigins browser origins allowed to call the API (none: no CORS headers at all)
 * @param rateLimitPerSecond POSTs per second one tenant may make on one instance; 0 turns the limit off
 * @param rateLimitBurst POSTs one tenant may make at once on one instance
 * @param stateDir this instance's own directory for the copy of the integrations topic
 * @param createTimeout how long a POST waits for the PENDING state before answering 503
 * @param readYourWritesTimeout how long a GET with {@code ?version=N} waits for that version
 * @param auth how bearer tokens are verified
 * @param requests the quick-create link's settings and the request TTL
 * @param watch the bounds of event streams and long polls
 * @param page the onboarding page served at {@code /}
 */
public record ApiConfig(String bindAddress, int port, List<String> corsAllowedOrigins, int rateLimitPerSecond,
        int rateLimitBurst, Path stateDir, Duration createTimeout, Duration readYourWritesTimeout, AuthConfig auth,
        RequestConfig requests, WatchConfig watch, PageConfig page) {
    /** The default port of the API. */
    public static final int DEFAULT_PORT = 8088;

    /** Every key under {@code api.} (the API's and its tokens'): another is an error at start-up (see README). */
    public static final ConfigKeys CONFIG_KEYS = ConfigKeys.of("api.", "api.http.bind-address", "api.http.port",
            "api.cors.allowed-origins", "api.rate-limit.per-second", "api.rate-limit.burst", "api.state-dir",
            "api.create-timeout", "api.read-your-writes-timeout", "api.auth.jwks-url", "api.auth.jwks-file",
            "api.auth.issuer", "api.auth.audience", "api.auth.tenant-claim", "api.auth.jwks-truststore.location",
            "api.auth.jwks-truststore.password", "api.auth.jwks-truststore.type", "api.auth.jwks-refresh-interval",
            "api.auth.jwks-min-refetch-interval", "api.watch.max-per-tenant", "api.watch.max-per-instance",
            "api.sse.heartbeat-interval", "api.sse.max-buffered-bytes", "api.sse.slow-reader-timeout",
            "api.page.enabled", "api.page.open-quick-create", "api.page.token-endpoint");

    /** Checks what the getters cannot. */
    public ApiConfig {
        corsAllowedOrigins = List.copyOf(corsAllowedOrigins);
        for (String origin : corsAllowedOrigins) {
            if (!isOrigin(origin)) {
                throw new SettingsException("api.cors.allowed-origins", "must list origins such as "
                        + "https://app.example.com (scheme, host, optional port; no path, no wildcard), got '"
                        + origin + "'");
            }
        }
        if (rateLimitPerSecond > 0 && rateLimitBurst < 1) {
            throw new SettingsException("api.rate-limit.burst", "must be at least 1 while the limit is on");
        }
        requirePositive("api.create-timeout", createTimeout);
        requirePositive("api.read-your-writes-timeout", readYourWritesTimeout);
    }

    /** Reads the {@code api.*} and {@code request.*} keys. */
    public static ApiConfig from(Settings settings) {
        return new ApiConfig(
                settings.string("api.http.bind-address", "0.0.0.0"),
                settings.integer("api.http.port", DEFAULT_PORT, 0, 65_535),
                settings.list("api.cors.allowed-origins"),
                settings.integer("api.rate-limit.per-second", 10, 0, 1_000_000),
                settings.integer("api.rate-limit.burst", 20, 0, 1_000_000),
                Path.of(settings.string("api.state-dir",
                        Path.of(System.getProperty("java.io.tmpdir"), "onboarding-api").toString())),
                settings.duration("api.create-timeout", Duration.ofSeconds(10)),
                settings.duration("api.read-your-writes-timeout", Duration.ofSeconds(5)),
                AuthConfig.from(settings),
                RequestConfig.from(settings),
                WatchConfig.from(settings),
                PageConfig.from(settings));
    }

    private static boolean isOrigin(String origin) {
        try {
            URI uri = URI.create(origin);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawUserInfo() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void requirePositive(String key, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new SettingsException(key, "must be positive, got " + value);
        }
    }
}
