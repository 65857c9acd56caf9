package dev.onboarding.schemas.answers;

import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.ResponseStatus;
import java.time.Instant;
import java.util.Map;

/**
 * The rules of an answer to a CloudFormation custom-resource request, in one place for every app that
 * answers (the bridge answers requests it rejects, the processor the callbacks it decides): a FAILED
 * answer never carries an integration id as PhysicalResourceId (so its rollback Delete can never be
 * mistaken for the connected resource), reasons stay short, and the deadline is when CloudFormation stops
 * listening.
 */
public final class CloudFormationAnswers {
    /** Prefix of the PhysicalResourceId of an answer to a request that names no resource of ours. */
    public static final String REJECTED_PREFIX = "rejected-";
    /** CloudFormation helpers cut reasons at 256 characters; so do we, predictably. */
    public static final int MAX_REASON_LENGTH = 256;
    /** How long CloudFormation listens when the request states no ServiceTimeout. */
    public static final int DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600;

    private CloudFormationAnswers() {
    }

    /** The PhysicalResourceId {@code rejected-<RequestId>}. */
    public static String rejectedId(String requestId) {
        return REJECTED_PREFIX + requestId;
    }

    /**
     * The PhysicalResourceId for an answer about a resource CloudFormation already knows (a Delete, an
     * Update): the one the request carries, so CloudFormation sees no replacement; {@code rejected-<RequestId>}
     * when it carries none.
     */
    public static String carriedOrRejectedId(String carried, String requestId) {
        return carried == null || carried.isBlank() ? rejectedId(requestId) : carried;
    }

    /** {@code reason} cut to {@value #MAX_REASON_LENGTH} characters, the last one an ellipsis; null stays null. */
    public static String cutReason(String reason) {
        return reason == null || reason.length() <= MAX_REASON_LENGTH ? reason
                : reason.substring(0, MAX_REASON_LENGTH - 1) + "…";
    }

    /**
     * When CloudFormation stops listening: {@code sentAt} plus the request's service timeout, or plus
     * {@value #DEFAULT_SERVICE_TIMEOUT_SECONDS} seconds when it states none (zero or less).
     */
    public static Instant deadline(Instant sentAt, int serviceTimeoutSeconds) {
        return sentAt.plusSeconds(serviceTimeoutSeconds > 0 ? serviceTimeoutSeconds : DEFAULT_SERVICE_TIMEOUT_SECONDS);
    }

    /**
     * A first attempt at answering {@code request}, decided at {@code decidedAt}; {@code reason} is cut to
     * {@value #MAX_REASON_LENGTH} characters. {@code integrationId} may be null.
     */
    public static CfnResponse answer(RequestToAnswer request, ResponseStatus status, String reason,
            String physicalResourceId, Map<String, String> data, String integrationId, Instant decidedAt) {
        return CfnResponse.newBuilder()
                .setRequestId(request.requestId())
                .setResponseUrl(request.responseUrl())
                .setStatus(status)
                .setReason(cutReason(reason))
                .setPhysicalResourceId(physicalResourceId)
                .setStackId(request.stackId())
                .setLogicalResourceId(request.logicalResourceId())
                .setData(data)
                .setNoEcho(false)
                .setDeadline(request.deadline())
                .setAttempt(0)
                .setNextAttemptAt(null)
                .setDecidedAt(decidedAt)
                .setIntegrationId(integrationId)
                .setLastError(null)
                .build();
    }
}
