package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.ResponseStatus;
import java.time.Instant;
import java.util.Map;

/**
 * Builds the CloudFormation answers to callbacks. The protocol details of a response live here only:
 * a FAILED answer never carries an integration id as PhysicalResourceId (so its rollback Delete can
 * never be mistaken for the connected resource), reasons stay short, and the deadline is when
 * CloudFormation stops listening.
 */
public final class CallbackAnswers {
    /** The key of the integration id in a SUCCESS answer's Data (readable with Fn::GetAtt). */
    public static final String DATA_INTEGRATION_ID = "IntegrationId";
    /** Prefix of the PhysicalResourceId of every FAILED answer. */
    public static final String REJECTED_PREFIX = "rejected-";
    /** CloudFormation helpers cut reasons at 256 characters; so do we, predictably. */
    public static final int MAX_REASON_LENGTH = 256;

    private static final int DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600;

    private CallbackAnswers() {
    }

    /** The PhysicalResourceId of a FAILED answer to {@code requestId}. */
    public static String rejectedId(String requestId) {
        return REJECTED_PREFIX + requestId;
    }

    /** A SUCCESS answer. */
    public static CfnResponse success(CfnCallback callback, String physicalResourceId, Map<String, String> data,
            String integrationId, Instant now) {
        return base(callback, now)
                .setStatus(ResponseStatus.SUCCESS)
                .setReason(null)
                .setPhysicalResourceId(physicalResourceId)
                .setData(Map.copyOf(data))
                .setIntegrationId(integrationId)
                .build();
    }

    /** A FAILED answer with PhysicalResourceId {@code rejected-<RequestId>}. */
    public static CfnResponse failed(CfnCallback callback, String reason, String integrationId, Instant now) {
        return base(callback, now)
                .setStatus(ResponseStatus.FAILED)
                .setReason(shorten(reason))
                .setPhysicalResourceId(rejectedId(callback.getRequestId()))
                .setData(Map.of())
                .setIntegrationId(integrationId)
                .build();
    }

    /** The PhysicalResourceId a Delete must be answered with: the one it carries. */
    public static String deletedId(CfnCallback callback) {
        String id = callback.getPhysicalResourceId();
        return id == null || id.isBlank() ? rejectedId(callback.getRequestId()) : id;
    }

    private static CfnResponse.Builder base(CfnCallback callback, Instant now) {
        int timeout = callback.getServiceTimeoutSeconds() > 0 ? callback.getServiceTimeoutSeconds()
                : DEFAULT_SERVICE_TIMEOUT_SECONDS;
        return CfnResponse.newBuilder()
                .setRequestId(callback.getRequestId())
                .setResponseUrl(callback.getResponseUrl())
                .setStackId(callback.getStackId())
                .setLogicalResourceId(callback.getLogicalResourceId())
                .setNoEcho(false)
                .setDeadline(callback.getSentAt().plusSeconds(timeout))
                .setAttempt(0)
                .setNextAttemptAt(null)
                .setDecidedAt(now)
                .setLastError(null);
    }

    private static String shorten(String reason) {
        return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH - 1) + "…";
    }
}
