package dev.onboarding.bridge.verification;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.schemas.verification.RoleVerificationResults;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The result of each verification request, at most one STS verification per request: a request redelivered while
 * its verification runs joins it, and one redelivered after it finished (a crash before the commit, a rebalance)
 * gets the remembered result, for an hour and within a bounded number of entries (except a refusal for the
 * provider's own budget, which checked nothing). A request is the same only if
 * everything the outcome depends on is: its id, external ID, role and checks (the id alone is a CloudFormation
 * RequestId, which anyone can choose).
 */
final class VerificationResults {
    private static final Duration REMEMBERED_FOR = Duration.ofHours(1);

    private final RoleVerifier verifier;
    private final VerifierMetrics metrics;
    private final Map<String, CompletableFuture<RoleVerificationResult>> running = new ConcurrentHashMap<>();
    private final Cache<String, RoleVerificationResult> finished;

    VerificationResults(RoleVerifier verifier, int remembered, VerifierMetrics metrics) {
        this.verifier = verifier;
        this.metrics = metrics;
        this.finished = Caffeine.newBuilder().maximumSize(remembered).expireAfterWrite(REMEMBERED_FOR)
                .executor(Runnable::run).build();
    }

    /** The result of {@code request}: remembered, joined, or verified now. */
    CompletableFuture<RoleVerificationResult> resultOf(RoleVerificationRequest request) {
        String key = identity(request);
        RoleVerificationResult known = finished.getIfPresent(key);
        if (known != null) {
            metrics.deduplicated();
            return CompletableFuture.completedFuture(known);
        }
        CompletableFuture<RoleVerificationResult> started = new CompletableFuture<>();
        CompletableFuture<RoleVerificationResult> joined = running.putIfAbsent(key, started);
        if (joined != null) {
            metrics.deduplicated();
            return joined;
        }
        verifier.verify(request).whenComplete((verification, error) -> {
            if (error != null) {
                running.remove(key);
                started.completeExceptionally(error);
                return;
            }
            RoleVerificationResult result = RoleVerificationResults.answering(request, verification);
            if (!RoleVerifier.RATE_LIMITED.equals(verification.getErrorCode())) {
                // A refusal for the provider's own budget made no check: the same request asked again later (an
                // organization's member waits and asks again) deserves a verification, not the refusal again.
                finished.put(key, result);
            }
            running.remove(key);
            started.complete(result);
        });
        return started;
    }

    /** Verifications running now. */
    int running() {
        return running.size();
    }

    private static String identity(RoleVerificationRequest request) {
        // None of these can hold a '\n' (STS character sets, ARNs, enum names); the id is bounded ASCII.
        return request.getVerificationId() + '\n' + request.getExternalId() + '\n' + request.getRoleArn() + '\n'
                + request.getChecks();
    }
}
