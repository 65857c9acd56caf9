package dev.onboarding.bridge.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The STS budget on a fake clock. */
class StsCallLimitsTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);

    private StsCallLimits limits(int rate, int ratePerAccount, int concurrencyPerAccount) {
        return new StsCallLimits(rate, ratePerAccount, concurrencyPerAccount, 6, 10_000, now::get);
    }

    /** Takes a call slot and ends the call at once. */
    private static long call(StsCallLimits limits, String account) {
        long wait = limits.tryAcquire(account);
        if (wait == 0) {
            limits.release(account);
        }
        return wait;
    }

    @Test
    void anAccountGetsItsBurstAtOnceThenWaitsForItsRate() {
        StsCallLimits limits = limits(100, 2, 2);

        assertThat(call(limits, "111111111111")).isZero();
        assertThat(call(limits, "111111111111")).isZero();
        // Two per second: the third call of the same second is told to come back in half a second.
        assertThat(call(limits, "111111111111")).isPositive().isLessThanOrEqualTo(SECOND / 2);
        // Another account is not held up.
        assertThat(call(limits, "222222222222")).isZero();
        now.addAndGet(SECOND / 2);
        assertThat(call(limits, "111111111111")).isZero();
    }

    @Test
    void refusedCallsHoldNoCapacity() {
        StsCallLimits limits = limits(50, 2, 2);
        int admitted = 0;
        for (int i = 0; i < 20_000; i++) {
            if (call(limits, "111111111111") == 0) {
                admitted++;
            }
        }
        assertThat(admitted).as("the account's burst").isEqualTo(2);

        // Another account at once, and the flooded one seconds later: neither pays for the 19,998 refusals.
        assertThat(call(limits, "222222222222")).isZero();
        now.addAndGet(2 * SECOND);
        assertThat(call(limits, "111111111111")).isZero();
        assertThat(call(limits, "111111111111")).isZero();
    }

    @Test
    void aCallRefusedByALaterBoundGivesBackWhatAnEarlierOneTook() {
        StsCallLimits limits = limits(2, 2, 2);
        assertThat(call(limits, "111111111111")).isZero();
        assertThat(call(limits, "222222222222")).isZero();
        // The overall rate refuses account 3's call: account 3 must not lose its own slot to it.
        for (int i = 0; i < 10; i++) {
            assertThat(call(limits, "333333333333")).isPositive();
        }
        now.addAndGet(SECOND);
        assertThat(call(limits, "333333333333")).isZero();
        assertThat(call(limits, "333333333333")).isZero();
    }

    @Test
    void boundsCallsInProgressPerAccount() {
        StsCallLimits limits = limits(100, 10, 2);

        assertThat(limits.tryAcquire("111111111111")).isZero();
        assertThat(limits.tryAcquire("111111111111")).isZero();
        assertThat(limits.tryAcquire("111111111111")).isEqualTo(StsCallLimits.BUSY_RECHECK_NANOS);
        assertThat(limits.tryAcquire("222222222222")).isZero();
        limits.release("111111111111");
        assertThat(limits.tryAcquire("111111111111")).isZero();
        limits.release("111111111111");
        limits.release("111111111111");
        limits.release("222222222222");
        assertThat(limits.accountsInProgress()).isZero();
    }

    @Test
    void anIntegrationStartsHalfItsMinuteAtOnceThenAtItsRate() {
        StsCallLimits limits = limits(100, 10, 2);

        assertThat(limits.tryStartVerification("int-1")).isTrue();
        assertThat(limits.tryStartVerification("int-1")).isTrue();
        assertThat(limits.tryStartVerification("int-1")).isTrue();
        assertThat(limits.tryStartVerification("int-1")).isFalse();
        assertThat(limits.tryStartVerification("int-2")).isTrue();
        now.addAndGet(10 * SECOND);
        assertThat(limits.tryStartVerification("int-1")).isTrue();
        assertThat(limits.tryStartVerification("int-1")).isFalse();
    }

    @Test
    void remembersABoundedNumberOfAccounts() {
        StsCallLimits limits = new StsCallLimits(1_000_000, 2, 2, 6, 100, now::get);
        for (int i = 0; i < 5_000; i++) {
            call(limits, String.format("%012d", i));
        }
        assertThat(limits.trackedAccounts()).isLessThanOrEqualTo(100);
        assertThat(limits.accountsInProgress()).isZero();
    }
}
