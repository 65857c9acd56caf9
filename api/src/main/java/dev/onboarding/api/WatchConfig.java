package dev.onboarding.api;

import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.time.Duration;

/**
 * How the API bounds those who wait for changes (event streams and long polls), from the {@code api.watch.*} and
 * {@code api.sse.*} keys.
 *
 * @param maxPerTenant open streams and waiting polls one tenant may hold on one instance ({@code 429} past it)
 * @param maxPerInstance open streams and waiting polls one instance holds, all tenants
 * @param heartbeatInterval how often an idle stream sends a comment, so proxies and clients see it alive
 * @param maxBufferedBytes how many bytes of events may wait unsent on one connection before later ones are folded
 *     into the newest state
 * @param slowReaderTimeout how long a connection may stay over that bound before it is closed
 */
public record WatchConfig(int maxPerTenant, int maxPerInstance, Duration heartbeatInterval, int maxBufferedBytes,
        Duration slowReaderTimeout) {
    /** The longest long poll, in seconds ({@code ?wait=S}). */
    public static final int MAX_WAIT_SECONDS = 55;

    /** Checks what the getters cannot. */
    public WatchConfig {
        if (maxPerTenant > maxPerInstance) {
            throw new SettingsException("api.watch.max-per-tenant", "must not exceed api.watch.max-per-instance ("
                    + maxPerInstance + ")");
        }
        if (heartbeatInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new SettingsException("api.sse.heartbeat-interval", "must be at least 1s, got " + heartbeatInterval);
        }
        if (slowReaderTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new SettingsException("api.sse.slow-reader-timeout", "must be at least 100ms, got "
                    + slowReaderTimeout);
        }
    }

    /** Reads the keys. */
    public static WatchConfig from(Settings settings) {
        return new WatchConfig(
                settings.integer("api.watch.max-per-tenant", 100, 1, 1_000_000),
                settings.integer("api.watch.max-per-instance", 10_000, 1, 1_000_000),
                settings.duration("api.sse.heartbeat-interval", Duration.ofSeconds(15)),
                settings.integer("api.sse.max-buffered-bytes", 64 * 1024, 1024, 64 * 1024 * 1024),
                settings.duration("api.sse.slow-reader-timeout", Duration.ofSeconds(10)));
    }
}
