package dev.onboarding.bridge.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StsCallLimitsTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);

    @Test
    void anAccountGetsItsBurstAtOnceThenOneSlotPerInterval() {
        StsCallLimits limits = new StsCallLimits(100, 2, 2, now::get);

        assertThat(limits.reserveAccount("111111111111")).isEqualTo(now.get());
        assertThat(limits.reserveAccount("111111111111")).isEqualTo(now.get());
        // The third call of the same second waits half a second (2 per second), the fourth a whole one.
        assertThat(limits.reserveAccount("111111111111")).isEqualTo(now.get() + SECOND / 2);
        assertThat(limits.reserveAccount("111111111111")).isEqualTo(now.get() + SECOND);
        // Another account is not held up.
        assertThat(limits.reserveAccount("222222222222")).isEqualTo(now.get());
    }

    @Test
    void theGlobalRateSpreadsCallsEvenly() {
        StsCallLimits limits = new StsCallLimits(4, 1, 1, now::get);
        for (int i = 0; i < 4; i++) {
            assertThat(limits.reserveGlobal()).isEqualTo(now.get());
        }
        assertThat(limits.reserveGlobal()).isEqualTo(now.get() + SECOND / 4);
        assertThat(limits.reserveGlobal()).isEqualTo(now.get() + SECOND / 2);
        now.addAndGet(10 * SECOND);
        // Idle time refills the burst, but no more than the burst.
        for (int i = 0; i < 4; i++) {
            assertThat(limits.reserveGlobal()).isEqualTo(now.get());
        }
        assertThat(limits.reserveGlobal()).isGreaterThan(now.get());
    }

    @Test
    void boundsCallsInProgressPerAccount() {
        StsCallLimits limits = new StsCallLimits(100, 10, 2, now::get);

        assertThat(limits.enter("111111111111")).isTrue();
        assertThat(limits.enter("111111111111")).isTrue();
        assertThat(limits.enter("111111111111")).isFalse();
        assertThat(limits.enter("222222222222")).isTrue();
        limits.exit("111111111111");
        assertThat(limits.enter("111111111111")).isTrue();
    }

    @Test
    void forgetsIdleAccountsOnly() {
        StsCallLimits limits = new StsCallLimits(100, 1, 1, now::get);
        limits.reserveAccount("111111111111");
        limits.enter("222222222222");
        limits.reserveAccount("333333333333");
        limits.reserveAccount("333333333333"); // its bucket refills only after two seconds

        now.addAndGet(SECOND + SECOND / 2);

        // 111 is idle again, 222 has a call in progress, 333 still has a reservation ahead.
        assertThat(limits.evictIdle()).isEqualTo(2);
        now.addAndGet(2 * SECOND);
        limits.exit("222222222222");
        assertThat(limits.evictIdle()).isZero();
    }
}
