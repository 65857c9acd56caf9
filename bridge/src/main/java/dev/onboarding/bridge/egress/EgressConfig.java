package dev.onboarding.bridge.egress;

import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.config.ConfigKeys;
import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.time.Duration;
import java.util.Optional;

/**
 * Configuration of the responder (the bridge's egress), parsed and checked in one place.
 *
 * @param groupId consumer group of every responder instance
 * @param maxInFlight responses being delivered at once (HTTP request plus its follow-up write)
 * @param maxWaiting retry-topic responses held in memory until their next attempt is due
 * @param connectTimeout TCP/TLS connect timeout of one PUT
 * @param requestTimeout whole-request timeout of one PUT
 * @param backoffBase wait after the first failed attempt; doubles per attempt
 * @param backoffMax longest wait between two attempts
 * @param commitInterval how often finished offsets are committed
 * @param drainTimeout how long {@code close()} (or a lost partition) waits for responses in flight
 * @param localOrigin the one loopback origin admitted besides AWS (local run and tests only)
 */
public record EgressConfig(
        String groupId,
        int maxInFlight,
        int maxWaiting,
        Duration connectTimeout,
        Duration requestTimeout,
        Duration backoffBase,
        Duration backoffMax,
        Duration commitInterval,
        Duration drainTimeout,
        Optional<String> localOrigin) {

    /** Default consumer group. */
    public static final String DEFAULT_GROUP_ID = "onboarding-bridge-responder";
    /** Shared with ingress: both halves must admit the same origin. */
    public static final String LOCAL_ORIGIN_KEY = "bridge.response-url.local-origin";

    private static final String PREFIX = "bridge.egress.";

    /** Every key the responder reads: with the ingress's, what the bridge knows under {@code bridge.}. */
    public static final ConfigKeys CONFIG_KEYS = ConfigKeys.of("bridge.", PREFIX + "group-id",
            PREFIX + "max-in-flight", PREFIX + "max-waiting", PREFIX + "connect-timeout", PREFIX + "request-timeout",
            PREFIX + "backoff.base", PREFIX + "backoff.max", PREFIX + "commit-interval", PREFIX + "drain-timeout",
            LOCAL_ORIGIN_KEY);

    /** Checks the values; the message names the key at fault. */
    public EgressConfig {
        requirePositive(PREFIX + "connect-timeout", connectTimeout);
        requirePositive(PREFIX + "request-timeout", requestTimeout);
        requirePositive(PREFIX + "backoff.base", backoffBase);
        requirePositive(PREFIX + "commit-interval", commitInterval);
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new SettingsException(PREFIX + "backoff.max", "must be at least bridge.egress.backoff.base ("
                    + backoffBase + "), got " + backoffMax);
        }
        if (groupId == null || groupId.isBlank()) {
            throw new SettingsException(PREFIX + "group-id", "must not be blank");
        }
        localOrigin.ifPresent(origin -> {
            try {
                ResponseUrlPolicy.withLocalOrigin(origin);
            } catch (IllegalArgumentException e) {
                throw new SettingsException(LOCAL_ORIGIN_KEY, e.getMessage());
            }
        });
    }

    /** Reads the {@code bridge.egress.*} keys and the shared {@code bridge.response-url.local-origin}. */
    public static EgressConfig from(Settings settings) {
        return new EgressConfig(
                settings.string(PREFIX + "group-id", DEFAULT_GROUP_ID),
                settings.integer(PREFIX + "max-in-flight", 256, 1, 10_000),
                settings.integer(PREFIX + "max-waiting", 10_000, 1, 1_000_000),
                settings.duration(PREFIX + "connect-timeout", Duration.ofSeconds(5)),
                settings.duration(PREFIX + "request-timeout", Duration.ofSeconds(30)),
                settings.duration(PREFIX + "backoff.base", Duration.ofSeconds(1)),
                settings.duration(PREFIX + "backoff.max", Duration.ofMinutes(5)),
                settings.duration(PREFIX + "commit-interval", Duration.ofSeconds(1)),
                settings.duration(PREFIX + "drain-timeout", Duration.ofSeconds(30)),
                settings.find(LOCAL_ORIGIN_KEY));
    }

    /** The URL policy these settings describe. */
    public ResponseUrlPolicy urlPolicy() {
        return ResponseUrlPolicy.of(localOrigin);
    }

    /** The retry schedule these settings describe. */
    public RetrySchedule retrySchedule() {
        return new RetrySchedule(backoffBase, backoffMax);
    }

    private static void requirePositive(String key, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new SettingsException(key, "must be a positive duration, got " + value);
        }
    }
}
