package dev.onboarding.schemas.answers;

import dev.onboarding.contract.CfnCallback;
import java.time.Instant;

/**
 * What an answer takes from the request it answers: the ids CloudFormation wants echoed, where the answer
 * goes and until when CloudFormation listens.
 *
 * @param requestId RequestId
 * @param responseUrl the pre-signed ResponseURL
 * @param stackId StackId
 * @param logicalResourceId LogicalResourceId
 * @param deadline when CloudFormation stops listening (see {@link CloudFormationAnswers#deadline})
 */
public record RequestToAnswer(String requestId, String responseUrl, String stackId, String logicalResourceId,
        Instant deadline) {

    /** The request behind {@code callback}. */
    public static RequestToAnswer of(CfnCallback callback) {
        return new RequestToAnswer(callback.getRequestId(), callback.getResponseUrl(), callback.getStackId(),
                callback.getLogicalResourceId(),
                CloudFormationAnswers.deadline(callback.getSentAt(), callback.getServiceTimeoutSeconds()));
    }
}
