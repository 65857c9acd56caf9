package dev.onboarding.bridge.egress;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When to try a response again: exponential backoff with jitter, never past the moment CloudFormation
 * stops listening. Pure: the caller passes the clock reading and the random draw.
 *
 * @param base wait after the first failed attempt
 * @param max longest wait between two attempts
 */
public record RetrySchedule(Duration base, Duration max) {
    /**
     * The last attempt is made this long before the deadline, so that it can still arrive in time
     * instead of being scheduled for a moment when nobody listens any more.
     */
    public static final Duration FINAL_ATTEMPT_MARGIN = Duration.ofSeconds(1);

    private static final int MAX_DOUBLINGS = 30;

    /** Checks that both durations are positive and {@code max >= base}. */
    public RetrySchedule {
        if (base.isZero() || base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max, got base " + base + ", max " + max);
        }
    }

    /**
     * The wait after {@code attemptsMade} failed attempts (1 or more): {@code base * 2^(attemptsMade-1)},
     * capped at {@code max}; half of it fixed and half scaled by {@code jitter} in [0, 1), so that many
     * responses failing together spread out but never retry at once.
     */
    public Duration backoff(int attemptsMade, double jitter) {
        if (attemptsMade < 1) {
            throw new IllegalArgumentException("attemptsMade must be at least 1, got " + attemptsMade);
        }
        if (!(jitter >= 0.0 && jitter < 1.0)) {
            throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
        }
        long baseMs = base.toMillis();
        long maxMs = max.toMillis();
        int doublings = Math.min(attemptsMade - 1, MAX_DOUBLINGS);
        long ceiling = baseMs > (maxMs >> doublings) ? maxMs : Math.min(maxMs, baseMs << doublings);
        long half = ceiling / 2;
        return Duration.ofMillis(ceiling - half + (long) (half * jitter));
    }

    /**
     * The time of the next attempt after {@code attemptsMade} failed ones, or empty when no attempt fits
     * before {@code deadline} any more (the response must be given up).
     */
    public Optional<Instant> nextAttempt(int attemptsMade, Instant now, Instant deadline, double jitter) {
        Instant lastChance = deadline.minus(FINAL_ATTEMPT_MARGIN);
        Instant next = now.plus(backoff(attemptsMade, jitter));
        if (next.isAfter(lastChance)) {
            next = lastChance;
        }
        return next.isAfter(now) ? Optional.of(next) : Optional.empty();
    }
}
