package dev.onboarding.bridge.verification;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The budget of AssumeRole calls (Bucket4j token buckets): a rate overall and per account, at most a few calls in
 * progress per account, and a number of verifications started per integration. The processor asks only for the
 * roles of integrations whose external ID it knows, but anyone holding a pending external ID (leaked, or a customer's
 * retry loop) could still ask many times, naming any account: without these bounds that would spend the provider's
 * STS quota and crowd out other customers.
 *
 * <p>Nothing is reserved ahead: a call is admitted only if every bound has room now, and a call refused holds no
 * capacity (a bucket that admitted it gets its token back when a later bound refuses). A refused caller learns how
 * long to wait before asking again, so a flood of callers for one account costs that account's slots only, and
 * another account is admitted at once; once the flood stops, the buckets refill within a second or two. The
 * per-account and per-integration buckets live in bounded caches (least recently used first out, idle ones
 * expire): a flood naming millions of accounts costs bounded memory.
 */
final class StsCallLimits {
    /** How long a caller waits before asking again when the account's calls are all in progress. */
    static final long BUSY_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Duration IDLE = Duration.ofMinutes(5);

    private final Bucket global;
    private final int ratePerAccount;
    private final int maxConcurrencyPerAccount;
    private final int verificationsPerMinutePerIntegration;
    private final TimeMeter time;
    private final Cache<String, Bucket> accounts;
    private final Cache<String, Bucket> integrations;
    /** Calls in progress by account: only accounts with a call in progress, so at most the pool size. */
    private final Map<String, Integer> inProgress = new ConcurrentHashMap<>();

    /**
     * Limits.
     *
     * @param ratePerSecond calls per second overall (burst: one second's worth)
     * @param ratePerAccount calls per second for one account (burst: one second's worth)
     * @param maxConcurrencyPerAccount calls in progress at once for one account
     * @param verificationsPerMinutePerIntegration verifications started per minute for one integration (burst: half)
     * @param maxTrackedKeys accounts, and integrations, whose buckets are remembered
     * @param nanoTime the clock
     */
    StsCallLimits(int ratePerSecond, int ratePerAccount, int maxConcurrencyPerAccount,
            int verificationsPerMinutePerIntegration, int maxTrackedKeys, LongSupplier nanoTime) {
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanoTime.getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.global = perSecond(ratePerSecond);
        this.ratePerAccount = ratePerAccount;
        this.maxConcurrencyPerAccount = maxConcurrencyPerAccount;
        this.verificationsPerMinutePerIntegration = verificationsPerMinutePerIntegration;
        this.accounts = cache(maxTrackedKeys, nanoTime);
        this.integrations = cache(maxTrackedKeys, nanoTime);
    }

    /**
     * Starts a verification for {@code integrationId} if its budget allows one now.
     *
     * @return whether it may start; a verification refused here is answered at once, it does not wait
     */
    boolean tryStartVerification(String integrationId) {
        return integrations.get(integrationId, id -> Bucket.builder().withCustomTimePrecision(time)
                .addLimit(limit -> limit.capacity(Math.max(1, verificationsPerMinutePerIntegration / 2))
                        .refillGreedy(verificationsPerMinutePerIntegration, Duration.ofMinutes(1)))
                .build()).tryConsume(1);
    }

    /**
     * Admits one call for {@code accountId} if the account's rate, its calls in progress and the overall rate all
     * have room now; an admitted call must be {@link #release released} when it ends.
     *
     * @return 0 when admitted, else how many nanoseconds to wait before asking again (nothing was taken)
     */
    long tryAcquire(String accountId) {
        Bucket account = accounts.get(accountId, id -> perSecond(ratePerAccount));
        ConsumptionProbe accountProbe = account.tryConsumeAndReturnRemaining(1);
        if (!accountProbe.isConsumed()) {
            return Math.max(1, accountProbe.getNanosToWaitForRefill());
        }
        ConsumptionProbe globalProbe = global.tryConsumeAndReturnRemaining(1);
        if (!globalProbe.isConsumed()) {
            account.addTokens(1);
            return Math.max(1, globalProbe.getNanosToWaitForRefill());
        }
        boolean[] entered = new boolean[1];
        inProgress.compute(accountId, (id, calls) -> {
            int now = calls == null ? 0 : calls;
            if (now >= maxConcurrencyPerAccount) {
                return calls;
            }
            entered[0] = true;
            return now + 1;
        });
        if (!entered[0]) {
            account.addTokens(1);
            global.addTokens(1);
            return BUSY_RECHECK_NANOS;
        }
        return 0;
    }

    /** Ends a call admitted by {@link #tryAcquire}. */
    void release(String accountId) {
        inProgress.computeIfPresent(accountId, (id, calls) -> calls <= 1 ? null : calls - 1);
    }

    /** How many accounts' buckets are remembered (bounded). */
    long trackedAccounts() {
        accounts.cleanUp();
        return accounts.estimatedSize();
    }

    /** How many accounts have calls in progress. */
    int accountsInProgress() {
        return inProgress.size();
    }

    private Bucket perSecond(int rate) {
        return Bucket.builder().withCustomTimePrecision(time)
                .addLimit(limit -> limit.capacity(rate).refillGreedy(rate, Duration.ofSeconds(1)))
                .build();
    }

    private static Cache<String, Bucket> cache(int maxSize, LongSupplier nanoTime) {
        // A bucket forgotten early only lets its account (or integration) start again with a full burst: harmless.
        return Caffeine.newBuilder().maximumSize(maxSize).expireAfterAccess(IDLE).ticker(nanoTime::getAsLong)
                .executor(Runnable::run).build();
    }
}
