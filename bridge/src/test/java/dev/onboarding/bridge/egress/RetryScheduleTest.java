package dev.onboarding.bridge.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final RetrySchedule schedule = new RetrySchedule(Duration.ofSeconds(1), Duration.ofMinutes(5));

    @Test
    void doublesPerAttemptWithHalfOfTheWaitJittered() {
        assertThat(schedule.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(schedule.backoff(1, 0.999)).isBetween(Duration.ofMillis(999), Duration.ofSeconds(1));
        assertThat(schedule.backoff(2, 0.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(schedule.backoff(3, 0.0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(schedule.backoff(4, 0.5)).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void waitsNeverExceedTheCapEvenAfterManyAttempts() {
        assertThat(schedule.backoff(10, 0.0)).isEqualTo(Duration.ofMillis(150_000));
        assertThat(schedule.backoff(10_000, 0.999)).isLessThanOrEqualTo(Duration.ofMinutes(5))
                .isGreaterThan(Duration.ofMinutes(4));
    }

    @Test
    void nextAttemptIsNowPlusTheWait() {
        Instant deadline = NOW.plus(Duration.ofHours(1));
        assertThat(schedule.nextAttempt(1, NOW, deadline, 0.0)).contains(NOW.plusMillis(500));
    }

    @Test
    void lastAttemptIsPulledInFrontOfTheDeadline() {
        Instant deadline = NOW.plusSeconds(10);
        assertThat(schedule.nextAttempt(9, NOW, deadline, 0.5))
                .contains(deadline.minus(RetrySchedule.FINAL_ATTEMPT_MARGIN));
    }

    @Test
    void givesUpWhenNoAttemptFitsBeforeTheDeadline() {
        assertThat(schedule.nextAttempt(1, NOW, NOW.plusMillis(900), 0.0)).isEmpty();
        assertThat(schedule.nextAttempt(1, NOW, NOW.minusSeconds(1), 0.0)).isEmpty();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RetrySchedule(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetrySchedule(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> schedule.backoff(0, 0.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> schedule.backoff(1, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 300)
    void nextAttemptIsAlwaysAfterNowAndBeforeTheDeadline(@ForAll @IntRange(min = 1, max = 200) int attempts,
            @ForAll @DoubleRange(min = 0.0, max = 1.0, maxIncluded = false) double jitter,
            @ForAll @IntRange(min = 0, max = 7_200_000) int millisToDeadline) {
        Instant deadline = NOW.plusMillis(millisToDeadline);
        schedule.nextAttempt(attempts, NOW, deadline, jitter).ifPresent(next -> {
            assertThat(next).isAfter(NOW);
            assertThat(next).isBeforeOrEqualTo(deadline.minus(RetrySchedule.FINAL_ATTEMPT_MARGIN));
            assertThat(Duration.between(NOW, next)).isLessThanOrEqualTo(Duration.ofMinutes(5));
        });
    }
}
