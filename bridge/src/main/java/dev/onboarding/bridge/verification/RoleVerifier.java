package dev.onboarding.bridge.ingress;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.schemas.ExternalIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Proves that whoever sent a callback controls the account: STS AssumeRole on the callback's role with
 * its external ID must succeed. A freshly created role can be refused for a few seconds while IAM
 * propagates, so AccessDenied, throttling and server errors are retried with backoff up to a bound;
 * the outcome is VERIFIED, DENIED (still AccessDenied at the bound) or ERROR (anything else). Retries
 * wait on a timer, never on a thread, so one slow role holds up no other message. The credentials
 * STS returns are dropped unread.
 */
public final class RoleVerifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoleVerifier.class);
    /** The shortest session STS allows: the credentials are never used anyway. */
    static final int SESSION_SECONDS = 900;
    private static final int MAX_MESSAGE = 256;
    private static final Duration ACCOUNT_BUSY_RECHECK = Duration.ofMillis(50);
    private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "RequestLimitExceeded",
            "TooManyRequestsException", "RequestThrottled", "PriorRequestNotComplete");

    private final StsClient sts;
    private final IngressConfig.Verification config;
    private final AwsPartition stsPartition;
    private final boolean endpointOverridden;
    private final Clock clock;
    private final IngressMetrics metrics;
    private final StsCallLimits limits;
    private final ScheduledExecutorService timer;
    private final ExecutorService calls;
    private final Set<Verification> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** A verifier calling {@code sts} (built with retries off: this class owns the retry policy). */
    public RoleVerifier(StsClient sts, IngressConfig.Verification config, Clock clock, IngressMetrics metrics) {
        this.sts = sts;
        this.config = config;
        this.stsPartition = AwsPartition.ofRegion(config.stsRegion()).orElseThrow();
        this.endpointOverridden = config.stsEndpoint().isPresent();
        this.clock = clock;
        this.metrics = metrics;
        this.limits = new StsCallLimits(config.ratePerSecond(), config.ratePerSecondPerAccount(),
                config.maxConcurrencyPerAccount(), System::nanoTime);
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("role-verifier-timer"));
        this.calls = Executors.newFixedThreadPool(config.maxConcurrency(), daemon("role-verifier-sts"));
        timer.scheduleWithFixedDelay(() -> LOG.debug("STS call limits track {} accounts", limits.evictIdle()), 30, 30,
                TimeUnit.SECONDS);
    }

    /** Verifies the callback's role; the future completes with the outcome (never exceptionally unless closed). */
    public CompletableFuture<RoleVerification> verify(CfnCallback callback) {
        Verification v = new Verification(callback, System.nanoTime() + config.maxDuration().toNanos());
        if (closed) {
            v.result.completeExceptionally(new CancellationException("role verifier is closed"));
            return v.result;
        }
        if (!endpointOverridden && !stsPartition.id().equals(callback.getPartition())) {
            v.finish(RoleVerificationOutcome.ERROR, "PartitionNotServed", "STS in " + config.stsRegion()
                    + " cannot verify roles of partition " + callback.getPartition());
            return v.result;
        }
        pending.add(v);
        v.result.whenComplete((r, e) -> pending.remove(v));
        schedule(v);
        return v.result;
    }

    /** Reserves the account's and then the global rate slot, then queues the call. */
    private void schedule(Verification v) {
        if (closed) {
            v.result.completeExceptionally(new CancellationException("role verifier is closed"));
            return;
        }
        long accountSlot = limits.reserveAccount(v.accountId());
        if (accountSlot > v.deadline) {
            v.finishThrottled();
            return;
        }
        at(accountSlot, () -> {
            long globalSlot = limits.reserveGlobal();
            if (globalSlot > v.deadline) {
                v.finishThrottled();
                return;
            }
            at(globalSlot, () -> submit(v));
        });
    }

    private void submit(Verification v) {
        try {
            calls.execute(() -> call(v));
        } catch (RejectedExecutionException e) {
            v.result.completeExceptionally(new CancellationException("role verifier is closed"));
        }
    }

    private void call(Verification v) {
        if (closed) {
            v.result.completeExceptionally(new CancellationException("role verifier is closed"));
            return;
        }
        if (!limits.enter(v.accountId())) {
            // The account's calls are all in progress; its rate slot is already spent, so only wait for a permit.
            if (System.nanoTime() + ACCOUNT_BUSY_RECHECK.toNanos() > v.deadline) {
                v.finishThrottled();
            } else {
                at(System.nanoTime() + ACCOUNT_BUSY_RECHECK.toNanos(), () -> submit(v));
            }
            return;
        }
        boolean retry;
        try {
            v.attempts.incrementAndGet();
            sts.assumeRole(AssumeRoleRequest.builder()
                    .roleArn(v.callback.getRoleArn())
                    .externalId(v.callback.getExternalId())
                    .roleSessionName(config.sessionName())
                    .durationSeconds(SESSION_SECONDS)
                    .build()); // the response holds live credentials: dropped here, unread
            v.finish(RoleVerificationOutcome.VERIFIED, null, null);
            return;
        } catch (StsException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            int status = e.statusCode();
            String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            if ("AccessDenied".equals(code)) {
                v.failed(RoleVerificationOutcome.DENIED, code, message);
                retry = true;
            } else {
                v.failed(RoleVerificationOutcome.ERROR, code == null ? "HTTP " + status : code, message);
                retry = status >= 500 || status == 429 || THROTTLING.contains(code);
            }
        } catch (SdkClientException e) {
            // Network trouble or an attempt timeout: STS may be fine a moment later.
            v.failed(RoleVerificationOutcome.ERROR, "ClientError", e.getMessage());
            retry = true;
        } catch (RuntimeException e) {
            LOG.warn("AssumeRole for account {} failed unexpectedly", v.accountId(), e);
            v.failed(RoleVerificationOutcome.ERROR, "UnexpectedError", e.getClass().getSimpleName());
            retry = false;
        } finally {
            limits.exit(v.accountId());
        }
        long now = System.nanoTime();
        if (!retry || now >= v.deadline) {
            v.finishWithLastFailure();
            return;
        }
        // Equal jitter; the last attempt lands on the bound rather than giving up before it.
        long backoff = v.nextBackoff();
        long delay = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        at(Math.min(now + delay, v.deadline), () -> schedule(v));
    }

    /** Runs {@code task} at nano time {@code when}: now on this thread if due, else on the timer. */
    private void at(long when, Runnable task) {
        long delay = when - System.nanoTime();
        if (delay <= 0) {
            task.run();
            return;
        }
        try {
            timer.schedule(task, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile; close() cancels whatever is pending.
        }
    }

    /** Stops verifying: pending verifications complete with a CancellationException. */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        calls.shutdownNow();
        try {
            calls.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Verification v : pending) {
            v.result.completeExceptionally(new CancellationException("role verifier closed"));
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** One verification in progress. */
    private final class Verification {
        final CfnCallback callback;
        final long deadline;
        final long startNanos = System.nanoTime();
        final CompletableFuture<RoleVerification> result = new CompletableFuture<>();
        final AtomicInteger attempts = new AtomicInteger();
        private final AtomicBoolean finished = new AtomicBoolean();
        private long backoffNanos = config.initialBackoff().toNanos();
        private volatile RoleVerificationOutcome lastOutcome;
        private volatile String lastCode;
        private volatile String lastMessage;

        Verification(CfnCallback callback, long deadline) {
            this.callback = callback;
            this.deadline = deadline;
        }

        String accountId() {
            return callback.getAccountId();
        }

        long nextBackoff() {
            long current = backoffNanos;
            backoffNanos = Math.min(backoffNanos * 2, config.maxBackoff().toNanos());
            return current;
        }

        void failed(RoleVerificationOutcome outcome, String code, String message) {
            lastOutcome = outcome;
            lastCode = code;
            lastMessage = message;
        }

        void finishWithLastFailure() {
            finish(lastOutcome, lastCode, lastMessage);
        }

        void finishThrottled() {
            if (lastOutcome != null) {
                finishWithLastFailure();
            } else {
                finish(RoleVerificationOutcome.ERROR, "VerificationRateLimited",
                        "the provider's AssumeRole budget left no slot within the verification bound");
            }
        }

        void finish(RoleVerificationOutcome outcome, String code, String message) {
            Instant now = clock.instant();
            RoleVerification verification = RoleVerification.newBuilder()
                    .setOutcome(outcome)
                    .setErrorCode(code)
                    .setErrorMessage(message == null ? null : shorten(message))
                    .setAttempts(attempts.get())
                    .setVerifiedAt(now)
                    .build();
            // Count before completing: whoever sees the result must also see it counted.
            if (finished.compareAndSet(false, true)) {
                Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
                metrics.verification(outcome, took);
                result.complete(verification);
                if (outcome == RoleVerificationOutcome.VERIFIED) {
                    if (LOG.isDebugEnabled()) {
                        LOG.debug("role of account {} verified for external id {} after {} attempt(s)", accountId(),
                                ExternalIds.redact(callback.getExternalId()), attempts.get());
                    }
                } else {
                    LOG.info("role of account {} not verified for external id {}: {} {} after {} attempt(s) in {} ms",
                            accountId(), ExternalIds.redact(callback.getExternalId()), outcome, code, attempts.get(),
                            took.toMillis());
                }
            }
        }

        private String shorten(String message) {
            return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
        }
    }
}
