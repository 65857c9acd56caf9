package dev.onboarding.bridge.verification;

import dev.onboarding.bridge.ingress.AwsClients;
import dev.onboarding.bridge.ingress.AwsPartition;
import dev.onboarding.bridge.ingress.IngressConfig;
import dev.onboarding.config.ConfigKeys;
import dev.onboarding.config.Settings;
import dev.onboarding.config.SettingsException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Configuration of the bridge's role verifier ({@code bridge.sts.*}, {@code bridge.verification.*}), parsed once
 * and validated at start-up (every error names its key). Kafka, registry and topic names come from their own keys.
 *
 * @param stsRegion region of the STS client; it vouches for roles of that region's partition only
 * @param stsEndpoint STS endpoint override (local runs)
 * @param organizationsEndpoint AWS Organizations endpoint override (local runs); empty means the SDK's endpoint for
 *     {@code stsRegion}'s partition (Organizations is a global service)
 * @param sessionName the fixed RoleSessionName of every check
 * @param maxDuration the whole verification's bound, every check and retry included
 * @param initialBackoff first retry delay, doubled up to {@code maxBackoff}
 * @param maxBackoff longest retry delay
 * @param attemptTimeout timeout of one AssumeRole call
 * @param maxConcurrency AssumeRole calls in progress at once, all accounts
 * @param maxConcurrencyPerAccount AssumeRole calls in progress at once for one account
 * @param ratePerSecond AssumeRole calls per second, all accounts
 * @param ratePerSecondPerAccount AssumeRole calls per second for one account
 * @param verificationsPerMinutePerIntegration verifications started per minute for one integration (a leaked or
 *     retried external ID), beyond which a request is answered ERROR at once
 * @param maxTrackedKeys accounts (and integrations) whose limits are remembered; the least recently used go first
 * @param groupId consumer group of the verifiers
 * @param maxPending verification requests taken on and not yet finished before the verifier stops fetching more
 * @param rememberedResults results kept (an hour at most) so that a redelivered request gets the same one
 * @param commitInterval how often finished offsets are committed
 * @param staticCredentials access key and secret for local runs; empty means the default AWS chain
 */
public record VerificationConfig(String stsRegion, Optional<URI> stsEndpoint, Optional<URI> organizationsEndpoint,
        String sessionName, Duration maxDuration,
        Duration initialBackoff, Duration maxBackoff, Duration attemptTimeout, int maxConcurrency,
        int maxConcurrencyPerAccount, int ratePerSecond, int ratePerSecondPerAccount,
        int verificationsPerMinutePerIntegration, int maxTrackedKeys, String groupId, int maxPending,
        int rememberedResults, Duration commitInterval, Optional<IngressConfig.StaticCredentials> staticCredentials) {

    /** Every key the verifier reads beside the ingress's {@code bridge.aws.*} (README documents each). */
    public static final ConfigKeys CONFIG_KEYS = ConfigKeys.of("bridge.", "bridge.sts.region", "bridge.sts.endpoint",
            "bridge.organizations.endpoint",
            "bridge.sts.session-name", "bridge.verification.max-duration", "bridge.verification.initial-backoff",
            "bridge.verification.max-backoff", "bridge.verification.attempt-timeout",
            "bridge.verification.commit-interval", "bridge.verification.max-concurrency",
            "bridge.verification.max-concurrency-per-account", "bridge.verification.rate",
            "bridge.verification.rate-per-account", "bridge.verification.rate-per-integration",
            "bridge.verification.max-tracked-keys", "bridge.verification.group-id", "bridge.verification.max-pending",
            "bridge.verification.remembered-results");

    /** Reads and validates the verifier's keys. */
    public static VerificationConfig from(Settings settings) {
        String stsRegion = settings.string("bridge.sts.region", "us-east-1");
        if (AwsPartition.ofRegion(stsRegion).isEmpty()) {
            throw new SettingsException("bridge.sts.region", "is not an AWS region: " + stsRegion);
        }
        String sessionName = settings.string("bridge.sts.session-name", "onboarding-role-check");
        if (!sessionName.matches("[\\w+=,.@-]{2,64}")) {
            throw new SettingsException("bridge.sts.session-name", "must be 2-64 characters of [\\w+=,.@-]");
        }
        Duration maxDuration = settings.duration("bridge.verification.max-duration", Duration.ofSeconds(60));
        Duration initial = settings.duration("bridge.verification.initial-backoff", Duration.ofMillis(500));
        Duration maxBackoff = settings.duration("bridge.verification.max-backoff", Duration.ofSeconds(10));
        if (initial.isZero() || maxBackoff.compareTo(initial) < 0) {
            throw new SettingsException("bridge.verification.max-backoff",
                    "must be at least bridge.verification.initial-backoff, which must be positive");
        }
        Duration attemptTimeout = settings.duration("bridge.verification.attempt-timeout", Duration.ofSeconds(10));
        if (attemptTimeout.isZero()) {
            throw new SettingsException("bridge.verification.attempt-timeout", "must be positive");
        }
        Duration commitInterval = settings.duration("bridge.verification.commit-interval", Duration.ofMillis(200));
        if (commitInterval.isZero()) {
            throw new SettingsException("bridge.verification.commit-interval", "must be positive");
        }
        int maxConcurrency = settings.integer("bridge.verification.max-concurrency", 16, 1, 1024);
        int perAccount = settings.integer("bridge.verification.max-concurrency-per-account", 2, 1, maxConcurrency);
        int rate = settings.integer("bridge.verification.rate", 50, 1, 1_000_000);
        int ratePerAccount = settings.integer("bridge.verification.rate-per-account", 2, 1, rate);
        return new VerificationConfig(stsRegion,
                settings.find("bridge.sts.endpoint").map(v -> IngressConfig.httpUri("bridge.sts.endpoint", v)),
                settings.find("bridge.organizations.endpoint")
                        .map(v -> IngressConfig.httpUri("bridge.organizations.endpoint", v)),
                sessionName, maxDuration, initial, maxBackoff, attemptTimeout, maxConcurrency, perAccount, rate,
                ratePerAccount,
                settings.integer("bridge.verification.rate-per-integration", 6, 1, 1_000_000),
                settings.integer("bridge.verification.max-tracked-keys", 100_000, 100, 10_000_000),
                settings.string("bridge.verification.group-id", "onboarding-role-verifier"),
                settings.integer("bridge.verification.max-pending", 1_000, 1, 1_000_000),
                settings.integer("bridge.verification.remembered-results", 10_000, 0, 10_000_000),
                commitInterval,
                AwsClients.staticCredentials(settings));
    }
}
