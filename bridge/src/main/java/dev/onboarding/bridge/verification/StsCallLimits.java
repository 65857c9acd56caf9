package dev.onboarding.bridge.ingress;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The budget of AssumeRole calls: a rate per account and overall (smooth token buckets that allow one
 * second's worth of burst), and at most a few calls in progress per account. Anyone can send Creates
 * naming any account, so without this a flood of forged requests could spend the provider's STS quota
 * and crowd out real customers. The overall concurrency bound is the verifier's thread pool.
 *
 * <p>Rates are reserved, not polled: a caller learns when its slot is and sleeps until then, so many
 * waiting verifications cost nothing.
 */
final class StsCallLimits {
    private final RateBucket global;
    private final long accountInterval;
    private final long accountBurst;
    private final int maxConcurrencyPerAccount;
    private final LongSupplier nanoTime;
    private final Map<String, AccountState> accounts = new ConcurrentHashMap<>();

    StsCallLimits(int ratePerSecond, int ratePerSecondPerAccount, int maxConcurrencyPerAccount, LongSupplier nanoTime) {
        this.global = new RateBucket(TimeUnit.SECONDS.toNanos(1) / ratePerSecond, ratePerSecond);
        this.accountInterval = TimeUnit.SECONDS.toNanos(1) / ratePerSecondPerAccount;
        this.accountBurst = ratePerSecondPerAccount;
        this.maxConcurrencyPerAccount = maxConcurrencyPerAccount;
        this.nanoTime = nanoTime;
    }

    /** Reserves the account's next call slot; returns the nano time at which it may be used. */
    long reserveAccount(String accountId) {
        long now = nanoTime.getAsLong();
        long[] allowedAt = new long[1];
        // Every change to an account goes through compute(), so eviction cannot race with it.
        accounts.compute(accountId, (id, state) -> {
            AccountState s = state == null ? newAccount() : state;
            allowedAt[0] = s.bucket.reserve(now);
            return s;
        });
        return allowedAt[0];
    }

    /** Reserves the next overall call slot; returns the nano time at which it may be used. */
    long reserveGlobal() {
        return global.reserve(nanoTime.getAsLong());
    }

    /** Takes one of the account's concurrent call permits, if free. */
    boolean enter(String accountId) {
        boolean[] entered = new boolean[1];
        accounts.compute(accountId, (id, state) -> {
            AccountState s = state == null ? newAccount() : state;
            if (s.inProgress < maxConcurrencyPerAccount) {
                s.inProgress++;
                entered[0] = true;
            }
            return s;
        });
        return entered[0];
    }

    /** Returns a permit taken with {@link #enter}. */
    void exit(String accountId) {
        accounts.computeIfPresent(accountId, (id, s) -> {
            s.inProgress--;
            return s;
        });
    }

    /**
     * Forgets accounts that are idle with a full bucket, so forged account ids cannot grow memory forever;
     * returns how many accounts it keeps.
     */
    int evictIdle() {
        long now = nanoTime.getAsLong();
        for (String accountId : accounts.keySet()) {
            accounts.computeIfPresent(accountId, (id, s) -> s.inProgress == 0 && s.bucket.isFull(now) ? null : s);
        }
        return accounts.size();
    }

    private AccountState newAccount() {
        return new AccountState(new RateBucket(accountInterval, accountBurst));
    }

    /** Per-account state; only touched inside the map's compute functions. */
    private static final class AccountState {
        final RateBucket bucket;
        int inProgress;

        AccountState(RateBucket bucket) {
            this.bucket = bucket;
        }
    }

    /** A generic cell rate algorithm: one slot every {@code interval}, up to {@code burst} slots at once. */
    static final class RateBucket {
        private final long interval;
        private final long tolerance;
        private long theoreticalArrival = Long.MIN_VALUE / 2; // guarded by this

        RateBucket(long interval, long burst) {
            this.interval = interval;
            this.tolerance = (burst - 1) * interval;
        }

        synchronized long reserve(long now) {
            long tat = Math.max(theoreticalArrival, now);
            long allowedAt = Math.max(now, tat - tolerance);
            theoreticalArrival = tat + interval;
            return allowedAt;
        }

        synchronized boolean isFull(long now) {
            return theoreticalArrival <= now;
        }
    }
}
