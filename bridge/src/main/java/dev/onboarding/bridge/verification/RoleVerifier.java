package dev.onboarding.bridge.verification;

import dev.onboarding.bridge.ingress.AwsPartition;
import dev.onboarding.contract.RoleCheckKind;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.runtime.RequestLogContext;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.verification.RoleVerificationResults;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.OrganizationsClientBuilder;
import software.amazon.awssdk.services.organizations.model.DescribeOrganizationRequest;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Proves that a role requires this external ID, with the same principal, RoleSessionName and duration in every
 * call, the {@code ExternalId} alone differing:
 * <ol>
 * <li>AssumeRole <b>with</b> the external ID must succeed. A freshly created role can be refused for a few seconds
 * while IAM propagates, so AccessDenied is retried with backoff up to the bound (then DENIED);</li>
 * <li>AssumeRole with <b>no</b> external ID must be denied;</li>
 * <li>AssumeRole with a fresh random ID of the minted shape must be denied.</li>
 * </ol>
 * Only {@code AccessDenied} counts as denied: a role assumed in check 2 or 3 trusts the provider without requiring
 * this ID (no condition, a wildcard, {@code StringEqualsIfExists}) and is ROLE_TRUSTS_WITHOUT_EXTERNAL_ID. Throttling,
 * 5xx and network errors are retried within the same bound and end as ERROR, never VERIFIED. A re-verification
 * ({@code POSITIVE_ONLY}) makes check 1 only: the denials of checks 2 and 3 show in the customer's CloudTrail, once
 * at connect time is enough; its AccessDenied is DENIED at once (the role was assumed before: nothing propagates).
 *
 * <p>A member of an organization integration ({@code expectedOrganizationId} set) makes one more call right after
 * check 1: {@code organizations:DescribeOrganization} with the credentials check 1 returned must name the expected
 * organization, else ORGANIZATION_MISMATCH (another organization, none at all, or a role that may not ask). The
 * external ID is shared by every member's stack: the organization is what ties a member to the customer. It comes
 * right after check 1 so that an account of another organization costs no denied calls, and it is made on
 * re-verifications too (an account may leave the organization).
 *
 * <p>Every call passes the {@link StsCallLimits} first; a verification waits for its slot on a timer, never on a
 * thread, so one slow role holds up no other. The credentials STS returns are dropped unread, except a member's, used
 * for its DescribeOrganization call and then dropped.
 */
public final class RoleVerifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoleVerifier.class);
    /** The shortest session STS allows: the credentials are never used anyway. */
    static final int SESSION_SECONDS = 900;
    /** Error code of a verification refused by the limits. */
    static final String RATE_LIMITED = RoleVerificationResults.RATE_LIMITED;
    private static final int MAX_MESSAGE = 256;
    /** Error code of a member's verification by a verifier without an Organizations client: never VERIFIED. */
    static final String ORGANIZATION_CHECK_UNAVAILABLE = "OrganizationCheckUnavailable";
    /** Error code of a member whose DescribeOrganization named another organization. */
    static final String OTHER_ORGANIZATION = "OtherOrganization";
    /** Organizations' answer for an account in no organization. */
    static final String NOT_IN_ORGANIZATION = "AWSOrganizationsNotInUseException";
    private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "RequestLimitExceeded",
            "TooManyRequestsException", "RequestThrottled", "PriorRequestNotComplete");

    /** One AssumeRole call of a verification. */
    enum Check {
        /** With the integration's external ID: must succeed. */
        WITH_EXTERNAL_ID("with", null),
        /** With no external ID: must be denied. */
        WITHOUT_EXTERNAL_ID("without", "AssumedWithoutExternalId"),
        /** With a random external ID of the minted shape: must be denied. */
        WITH_OTHER_EXTERNAL_ID("other", "AssumedWithOtherExternalId"),
        /** DescribeOrganization with check 1's credentials: must name the expected organization (members only). */
        ORGANIZATION("organization", null);

        final String tag;
        final String assumedCode;

        Check(String tag, String assumedCode) {
            this.tag = tag;
            this.assumedCode = assumedCode;
        }
    }

    private final StsClient sts;
    private final OrganizationsClient organizations;
    private final VerificationConfig config;
    private final AwsPartition stsPartition;
    private final boolean endpointOverridden;
    private final Clock clock;
    private final VerifierMetrics metrics;
    private final StsCallLimits limits;
    private final DecoyExternalIds decoys = new DecoyExternalIds();
    private final ScheduledExecutorService timer;
    private final ExecutorService calls;
    private final Set<Verification> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * A verifier calling {@code sts} that cannot check organizations: every member of an organization integration
     * fails closed (ORGANIZATION_MISMATCH, {@value #ORGANIZATION_CHECK_UNAVAILABLE}).
     */
    public RoleVerifier(StsClient sts, VerificationConfig config, Clock clock, VerifierMetrics metrics) {
        this(sts, null, config, clock, metrics);
    }

    /**
     * A verifier calling {@code sts} and, for members of organizations, {@code organizations} (both built with
     * retries off: this class owns the retry policy; see {@link #stsClient} and {@link #organizationsClient}).
     */
    public RoleVerifier(StsClient sts, OrganizationsClient organizations, VerificationConfig config, Clock clock,
            VerifierMetrics metrics) {
        this.sts = sts;
        this.organizations = organizations;
        this.config = config;
        this.stsPartition = AwsPartition.ofRegion(config.stsRegion()).orElseThrow();
        this.endpointOverridden = config.stsEndpoint().isPresent();
        this.clock = clock;
        this.metrics = metrics;
        this.limits = new StsCallLimits(config.ratePerSecond(), config.ratePerSecondPerAccount(),
                config.maxConcurrencyPerAccount(), config.verificationsPerMinutePerIntegration(),
                config.maxTrackedKeys(), System::nanoTime);
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("role-verifier-timer"));
        this.calls = Executors.newFixedThreadPool(config.maxConcurrency(), daemon("role-verifier-sts"));
    }

    /**
     * The STS client of a verifier: no SDK retries (each attempt must pass the limits), so an API call is one attempt
     * and one timeout bounds it. The pool holds a kept-alive connection for each of the concurrent calls.
     */
    public static StsClient stsClient(VerificationConfig config, AwsCredentialsProvider credentials) {
        StsClientBuilder builder = StsClient.builder()
                .region(Region.of(config.stsRegion()))
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(config.maxConcurrency() + 2))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(config.attemptTimeout()));
        config.stsEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /**
     * The Organizations client of a verifier, retries off like the STS client's. It has no credentials of its own:
     * every call carries the assumed role's, and a call without them fails rather than describe the provider's own
     * organization.
     */
    public static OrganizationsClient organizationsClient(VerificationConfig config) {
        OrganizationsClientBuilder builder = OrganizationsClient.builder()
                .region(Region.of(config.stsRegion()))
                .credentialsProvider(() -> {
                    throw SdkClientException.create("DescribeOrganization needs the assumed role's credentials");
                })
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(config.maxConcurrency() + 2))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(config.attemptTimeout()));
        config.organizationsEndpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** Verifies the request's role; the future completes with the outcome (never exceptionally unless closed). */
    public CompletableFuture<RoleVerification> verify(RoleVerificationRequest request) {
        long now = System.nanoTime();
        long deadline = now + config.maxDuration().toNanos();
        if (request.getDeadline() != null) {
            long left = Duration.between(clock.instant(), request.getDeadline()).toNanos();
            deadline = Math.min(deadline, now + Math.max(0, left));
        }
        Verification v = new Verification(request, deadline);
        if (closed) {
            v.result.completeExceptionally(new CancellationException("role verifier is closed"));
            return v.result;
        }
        if (!endpointOverridden && !stsPartition.id().equals(request.getPartition())) {
            v.finish(RoleVerificationOutcome.ERROR, "PartitionNotServed", "STS in " + config.stsRegion()
                    + " cannot verify roles of partition " + request.getPartition());
            return v.result;
        }
        if (request.getExpectedOrganizationId() != null && organizations == null) {
            // Never admit a member whose organization was not checked (the external ID is shared by every member).
            v.finish(RoleVerificationOutcome.ORGANIZATION_MISMATCH, ORGANIZATION_CHECK_UNAVAILABLE,
                    "this verifier cannot check the role's AWS Organization");
            return v.result;
        }
        if (deadline <= now) {
            v.finish(RoleVerificationOutcome.ERROR, "DeadlinePassed",
                    "the answer was no longer awaited when the verification could start");
            return v.result;
        }
        if (!limits.tryStartVerification(request.getIntegrationId())) {
            metrics.refused("integration");
            v.finish(RoleVerificationOutcome.ERROR, RATE_LIMITED,
                    "too many verifications for this integration; retry in a minute");
            return v.result;
        }
        pending.add(v);
        v.result.whenComplete((r, e) -> pending.remove(v));
        schedule(v);
        return v.result;
    }

    /** Takes the next call's slot when every bound has room, or waits for it on the timer (holding nothing). */
    private void schedule(Verification v) {
        if (closed) {
            v.result.completeExceptionally(new CancellationException("role verifier is closed"));
            return;
        }
        long wait = limits.tryAcquire(v.accountId());
        if (wait == 0) {
            submit(v);
            return;
        }
        long retryAt = System.nanoTime() + wait;
        if (retryAt > v.deadline) {
            metrics.refused(wait == StsCallLimits.BUSY_RECHECK_NANOS ? "account-busy" : "rate");
            v.finishThrottled();
            return;
        }
        at(retryAt, () -> schedule(v));
    }

    private void submit(Verification v) {
        try {
            calls.execute(() -> call(v));
        } catch (RejectedExecutionException e) {
            limits.release(v.accountId());
            v.result.completeExceptionally(new CancellationException("role verifier is closed"));
        }
    }

    private void call(Verification v) {
        Check check = v.check();
        Answer answer;
        try {
            if (closed) {
                v.result.completeExceptionally(new CancellationException("role verifier is closed"));
                return;
            }
            answer = check == Check.ORGANIZATION ? describeOrganization(v) : assumeRole(v, check);
        } finally {
            limits.release(v.accountId());
        }
        metrics.stsCall(check.tag, answer.kind.name().toLowerCase(java.util.Locale.ROOT));
        switch (answer.kind) {
            case ASSUMED -> {
                if (check == Check.WITH_EXTERNAL_ID || check == Check.ORGANIZATION) {
                    v.passed();
                } else {
                    v.finish(RoleVerificationOutcome.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID, check.assumedCode,
                            check == Check.WITHOUT_EXTERNAL_ID ? "AssumeRole without an ExternalId succeeded"
                                    : "AssumeRole with an ExternalId other than this one succeeded");
                }
            }
            case OTHER_ORGANIZATION -> v.finish(RoleVerificationOutcome.ORGANIZATION_MISMATCH, answer.code,
                    answer.message);
            case DENIED -> {
                RoleVerificationOutcome denied = check == Check.ORGANIZATION
                        ? RoleVerificationOutcome.ORGANIZATION_MISMATCH : RoleVerificationOutcome.DENIED;
                if ((check == Check.WITH_EXTERNAL_ID || check == Check.ORGANIZATION)
                        && v.request.getChecks() == RoleCheckKind.POSITIVE_ONLY) {
                    // A re-verification of a role assumed (and its organization read) before: no propagation to wait
                    // for, and every retry is one more denial in the customer's CloudTrail. The processor's run of
                    // denials is the grace.
                    v.finish(denied, answer.code, answer.message);
                } else if (check == Check.WITH_EXTERNAL_ID || check == Check.ORGANIZATION) {
                    // IAM may still be propagating a new role (or its policy): denied until the bound is DENIED, or
                    // for the organization check ORGANIZATION_MISMATCH (a role that may not ask is never admitted).
                    v.failed(denied, answer.code, answer.message);
                    retryOrFinish(v);
                } else {
                    v.passed();
                }
            }
            case RETRYABLE -> {
                v.failed(RoleVerificationOutcome.ERROR, answer.code, answer.message);
                retryOrFinish(v);
            }
            case FAILED -> v.finish(RoleVerificationOutcome.ERROR, answer.code, answer.message);
        }
        if (!v.result.isDone() && v.readyForNext()) {
            schedule(v);
        }
    }

    /** One AssumeRole call; the response (live credentials) is dropped here, unread. */
    private Answer assumeRole(Verification v, Check check) {
        v.attempts.incrementAndGet();
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(v.request.getRoleArn())
                .roleSessionName(config.sessionName())
                .durationSeconds(SESSION_SECONDS);
        if (check == Check.WITH_EXTERNAL_ID) {
            request.externalId(v.request.getExternalId());
        } else if (check == Check.WITH_OTHER_EXTERNAL_ID) {
            request.externalId(decoys.like(v.request.getExternalId()));
        }
        return attempt(v, "AssumeRole", Map.of("AccessDenied", Answer.Kind.DENIED), () -> {
            AssumeRoleResponse response = sts.assumeRole(request.build());
            if (check == Check.WITH_EXTERNAL_ID && v.checks.contains(Check.ORGANIZATION)) {
                v.credentials = response.credentials();
            }
            return new Answer(Answer.Kind.ASSUMED, null, null);
        });
    }

    /** DescribeOrganization with the credentials of check 1, which are dropped once it has answered. */
    private Answer describeOrganization(Verification v) {
        v.attempts.incrementAndGet();
        Credentials c = v.credentials;
        String expected = v.request.getExpectedOrganizationId();
        // Organizations says AccessDeniedException; AccessDenied is kept as DENIED, as before the shared attempt.
        return attempt(v, "DescribeOrganization", Map.of("AccessDeniedException", Answer.Kind.DENIED,
                "AccessDenied", Answer.Kind.DENIED, NOT_IN_ORGANIZATION, Answer.Kind.OTHER_ORGANIZATION), () -> {
                    String actual = organizations.describeOrganization(DescribeOrganizationRequest.builder()
                            .overrideConfiguration(AwsRequestOverrideConfiguration.builder()
                                    .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                                            c.accessKeyId(), c.secretAccessKey(), c.sessionToken())))
                                    .build())
                            .build()).organization().id();
                    v.credentials = null;
                    return expected.equals(actual) ? new Answer(Answer.Kind.ASSUMED, null, null)
                            : new Answer(Answer.Kind.OTHER_ORGANIZATION, OTHER_ORGANIZATION,
                                    "the account is a member of organization " + actual + ", not " + expected);
                });
    }

    /**
     * One AWS call: its answer, or what its failure means. An error code in {@code meanings} means what it maps to;
     * throttling, 5xx and network errors are worth retrying; anything else is final.
     */
    private Answer attempt(Verification v, String operation, Map<String, Answer.Kind> meanings,
            Supplier<Answer> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            int status = e.statusCode();
            String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            if (code != null && meanings.containsKey(code)) {
                return new Answer(meanings.get(code), code, message);
            }
            boolean retry = status >= 500 || status == 429 || THROTTLING.contains(code);
            return new Answer(retry ? Answer.Kind.RETRYABLE : Answer.Kind.FAILED,
                    code == null ? "HTTP " + status : code, message);
        } catch (SdkClientException e) {
            // Network trouble or an attempt timeout: AWS may be fine a moment later.
            return new Answer(Answer.Kind.RETRYABLE, "ClientError", e.getMessage());
        } catch (RuntimeException e) {
            try (RequestLogContext ignored = v.logContext()) {
                LOG.warn("{} for account {} failed unexpectedly", operation, v.accountId(), e);
            }
            return new Answer(Answer.Kind.FAILED, "UnexpectedError", e.getClass().getSimpleName());
        }
    }

    /** Retries the current check after a backoff, or finishes with the last failure at the bound. */
    private void retryOrFinish(Verification v) {
        long now = System.nanoTime();
        if (now >= v.deadline) {
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

    /** How many accounts' limits are remembered (bounded by {@code bridge.verification.max-tracked-keys}). */
    long trackedAccounts() {
        return limits.trackedAccounts();
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

    /** What one AssumeRole call answered. */
    private record Answer(Kind kind, String code, String message) {
        /** ASSUMED also stands for a passed organization check; OTHER_ORGANIZATION is a member of another (or none). */
        enum Kind { ASSUMED, DENIED, RETRYABLE, FAILED, OTHER_ORGANIZATION }
    }

    /** One verification in progress: its checks in order, the current one, its retries. */
    private final class Verification {
        final RoleVerificationRequest request;
        final long deadline;
        final long startNanos = System.nanoTime();
        final List<Check> checks;
        final CompletableFuture<RoleVerification> result = new CompletableFuture<>();
        final AtomicInteger attempts = new AtomicInteger();
        private final AtomicBoolean finished = new AtomicBoolean();
        private volatile int current;
        private volatile boolean advanced;
        private long backoffNanos = config.initialBackoff().toNanos();
        private volatile RoleVerificationOutcome lastOutcome;
        private volatile String lastCode;
        private volatile String lastMessage;
        /** Check 1's session credentials, kept only until the organization check has used them. */
        volatile Credentials credentials;

        Verification(RoleVerificationRequest request, long deadline) {
            this.request = request;
            this.deadline = deadline;
            List<Check> checks = new java.util.ArrayList<>(List.of(Check.WITH_EXTERNAL_ID));
            if (request.getExpectedOrganizationId() != null) {
                checks.add(Check.ORGANIZATION);
            }
            if (request.getChecks() != RoleCheckKind.POSITIVE_ONLY) {
                checks.addAll(List.of(Check.WITHOUT_EXTERNAL_ID, Check.WITH_OTHER_EXTERNAL_ID));
            }
            this.checks = List.copyOf(checks);
        }

        String accountId() {
            return request.getAccountId();
        }

        Check check() {
            return checks.get(current);
        }

        /** The current check passed: VERIFIED after the last, else the next check is due now. */
        void passed() {
            if (current == checks.size() - 1) {
                finish(RoleVerificationOutcome.VERIFIED, null, null);
                return;
            }
            current++;
            advanced = true;
            backoffNanos = config.initialBackoff().toNanos();
            lastOutcome = null;
        }

        /** Whether the check just passed lets the next one go at once (retries go through the timer). */
        boolean readyForNext() {
            boolean next = advanced;
            advanced = false;
            return next;
        }

        long nextBackoff() {
            long now = backoffNanos;
            backoffNanos = Math.min(backoffNanos * 2, config.maxBackoff().toNanos());
            return now;
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
                finish(RoleVerificationOutcome.ERROR, RATE_LIMITED,
                        "the provider's AssumeRole budget left no slot within the verification bound");
            }
        }

        RequestLogContext logContext() {
            return RequestLogContext.of(request.getRequestId(), request.getIntegrationId(),
                    ExternalIds.redact(request.getExternalId()));
        }

        void finish(RoleVerificationOutcome outcome, String code, String message) {
            credentials = null;
            RoleVerification verification = RoleVerification.newBuilder()
                    .setOutcome(outcome)
                    .setErrorCode(code)
                    .setErrorMessage(message == null ? null : shorten(message))
                    .setAttempts(attempts.get())
                    .setVerifiedAt(clock.instant())
                    .build();
            // Count before completing: whoever sees the result must also see it counted.
            if (finished.compareAndSet(false, true)) {
                Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
                metrics.result(outcome, request.getChecks().name(), took);
                try (RequestLogContext ignored = logContext()) {
                    if (outcome == RoleVerificationOutcome.VERIFIED) {
                        LOG.debug("role {} verified ({}) after {} call(s)", request.getRoleArn(),
                                request.getChecks(), attempts.get());
                    } else {
                        LOG.info("role {} not verified ({}): {} {} after {} call(s) in {} ms", request.getRoleArn(),
                                request.getChecks(), outcome, code, attempts.get(), took.toMillis());
                    }
                }
                result.complete(verification);
            }
        }

        private String shorten(String message) {
            return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
        }
    }
}
