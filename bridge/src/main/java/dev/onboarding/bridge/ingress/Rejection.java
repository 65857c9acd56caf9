package dev.onboarding.bridge.ingress;

import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.schemas.answers.CloudFormationAnswers;
import dev.onboarding.schemas.answers.RequestToAnswer;
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

    /**
     * The parts of a rejected request needed to answer it.
     *
     * @param requestType the request type (UNKNOWN when unreadable: answered FAILED)
     * @param request its ids, a ResponseURL that passed the policy, and when CloudFormation stops listening
     * @param physicalResourceId the request's PhysicalResourceId, if it carried a usable one
     */
    public record AnswerableRequest(RequestType requestType, RequestToAnswer request,
            Optional<String> physicalResourceId) {
    }

    /**
     * The answer for CloudFormation, if answerable: FAILED with the reason for a Create or Update, SUCCESS
     * for a Delete (a rejection must never block a stack's deletion), by the rules of
     * {@link CloudFormationAnswers}.
     */
    public Optional<CfnResponse> answer(Instant decidedAt) {
        return answerable.map(a -> CloudFormationAnswers.answer(a.request(),
                a.requestType() == RequestType.DELETE ? ResponseStatus.SUCCESS : ResponseStatus.FAILED,
                "Rejected by the provider (" + reasonCode + "): " + reason,
                CloudFormationAnswers.carriedOrRejectedId(a.physicalResourceId().orElse(null), a.request().requestId()),
                Map.of(), null, decidedAt));
    }
}
