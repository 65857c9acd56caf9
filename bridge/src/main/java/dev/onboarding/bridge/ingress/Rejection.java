package dev.onboarding.bridge.ingress;

import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.ResponseStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A message that failed validation: it goes to the dead-letter topic, and is answered when still
 * answerable.
 *
 * @param reasonCode machine-readable reason (see {@link RejectReason} and the ResponseUrlPolicy codes)
 * @param reason human reason; never quotes the ResponseURL or the external ID
 * @param answerable what is needed to answer CloudFormation, when the ids are present and the ResponseURL
 *                   passes the policy
 */
public record Rejection(String reasonCode, String reason, Optional<AnswerableRequest> answerable)
        implements ParseResult {

    /** CloudFormation keeps reasons short; helpers cut them at 256 characters. */
    static final int MAX_ANSWER_REASON = 256;

    /**
     * The parts of a rejected request needed to answer it.
     *
     * @param requestType the request type (UNKNOWN when unreadable: answered FAILED)
     * @param requestId RequestId
     * @param stackId StackId
     * @param logicalResourceId LogicalResourceId
     * @param responseUrl a ResponseURL that passed the policy
     * @param physicalResourceId the request's PhysicalResourceId, if it carried a usable one
     * @param sentAt when CloudFormation sent the request
     * @param serviceTimeoutSeconds how long CloudFormation listens
     */
    public record AnswerableRequest(RequestType requestType, String requestId, String stackId,
            String logicalResourceId, String responseUrl, Optional<String> physicalResourceId, Instant sentAt,
            int serviceTimeoutSeconds) {
    }

    /**
     * The answer for CloudFormation, if answerable: FAILED with the reason for a Create or Update, SUCCESS
     * for a Delete (a rejection must never block a stack's deletion).
     */
    public Optional<CfnResponse> answer(Instant decidedAt) {
        return answerable.map(a -> {
            String text = "Rejected by the provider (" + reasonCode + "): " + reason;
            if (text.length() > MAX_ANSWER_REASON) {
                text = text.substring(0, MAX_ANSWER_REASON - 1) + "…";
            }
            return CfnResponse.newBuilder()
                    .setRequestId(a.requestId())
                    .setResponseUrl(a.responseUrl())
                    .setStatus(a.requestType() == RequestType.DELETE ? ResponseStatus.SUCCESS : ResponseStatus.FAILED)
                    .setReason(text)
                    .setPhysicalResourceId(a.physicalResourceId().orElse("rejected-" + a.requestId()))
                    .setStackId(a.stackId())
                    .setLogicalResourceId(a.logicalResourceId())
                    .setData(Map.of())
                    .setNoEcho(false)
                    .setDeadline(a.sentAt().plusSeconds(a.serviceTimeoutSeconds()))
                    .setAttempt(0)
                    .setNextAttemptAt(null)
                    .setDecidedAt(decidedAt)
                    .setIntegrationId(null)
                    .setLastError(null)
                    .build();
        });
    }
}
