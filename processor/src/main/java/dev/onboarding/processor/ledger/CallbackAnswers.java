package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.schemas.answers.CloudFormationAnswers;
import dev.onboarding.schemas.answers.RequestToAnswer;
import java.time.Instant;
import java.util.Map;

/**
 * Builds the CloudFormation answers to callbacks, by the rules of {@link CloudFormationAnswers} (shared
 * with the bridge): a FAILED answer never carries an integration id as PhysicalResourceId (so its
 * rollback Delete can never be mistaken for the connected resource), reasons stay short, and the
 * deadline is when CloudFormation stops listening.
 */
public final class CallbackAnswers {
    /** The key of the integration id in a SUCCESS answer's Data (readable with Fn::GetAtt). */
    public static final String DATA_INTEGRATION_ID = "IntegrationId";
    /** Prefix of the PhysicalResourceId of every FAILED answer. */
    public static final String REJECTED_PREFIX = CloudFormationAnswers.REJECTED_PREFIX;
    /** CloudFormation helpers cut reasons at 256 characters; so do we, predictably. */
    public static final int MAX_REASON_LENGTH = CloudFormationAnswers.MAX_REASON_LENGTH;

    private CallbackAnswers() {
    }

    /** The PhysicalResourceId of a FAILED answer to {@code requestId}. */
    public static String rejectedId(String requestId) {
        return CloudFormationAnswers.rejectedId(requestId);
    }

    /** A SUCCESS answer. */
    public static CfnResponse success(CfnCallback callback, String physicalResourceId, Map<String, String> data,
            String integrationId, Instant now) {
        return CloudFormationAnswers.answer(RequestToAnswer.of(callback), ResponseStatus.SUCCESS, null,
                physicalResourceId, Map.copyOf(data), integrationId, now);
    }

    /** A FAILED answer with PhysicalResourceId {@code rejected-<RequestId>}. */
    public static CfnResponse failed(CfnCallback callback, String reason, String integrationId, Instant now) {
        return CloudFormationAnswers.answer(RequestToAnswer.of(callback), ResponseStatus.FAILED, reason,
                rejectedId(callback.getRequestId()), Map.of(), integrationId, now);
    }

    /** The PhysicalResourceId a Delete must be answered with: the one it carries. */
    public static String deletedId(CfnCallback callback) {
        return CloudFormationAnswers.carriedOrRejectedId(callback.getPhysicalResourceId(), callback.getRequestId());
    }
}
