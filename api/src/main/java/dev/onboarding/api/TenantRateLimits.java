package dev.onboarding.api;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-tenant token buckets (Bucket4j) on creates, in this instance: {@code burst} at once, refilled at
 * {@code perSecond}. Buckets that are full again are dropped on the next sweep, so idle tenants cost nothing.
 */
final class TenantRateLimits {
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(10);

    private final int perSecond;
    private final int burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile long nextSweep = System.nanoTime() + SWEEP_EVERY.toNanos();

    /** Limits of {@code perSecond} (0: no limit) with bursts of {@code burst}. */
    TenantRateLimits(int perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** Takes one request from the tenant's bucket: empty when allowed, else the seconds to wait (at least 1). */
    OptionalLong tryTake(String tenantId) {
        if (perSecond == 0) {
            return OptionalLong.empty();
        }
        sweepIfDue();
        ConsumptionProbe probe = buckets.computeIfAbsent(tenantId, t -> Bucket.builder()
                .addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build()).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L));
    }

    private void sweepIfDue() {
        long now = System.nanoTime();
        if (now - nextSweep < 0) {
            return;
        }
        nextSweep = now + SWEEP_EVERY.toNanos();
        buckets.values().removeIf(bucket -> bucket.getAvailableTokens() >= burst);
    }
}
