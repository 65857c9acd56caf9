package dev.onboarding.bridge.egress;

import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.contract.CfnResponse;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;

/**
 * Everything decided before a response may touch the network: is CloudFormation still listening, does
 * the ResponseURL pass the same policy ingress applied (defence in depth: the topic could have been
 * written by something other than the processor), and can the body be built.
 */
public final class DeliveryPreflight {
    private final ResponseUrlPolicy policy;

    /** Checks URLs with {@code policy}. */
    public DeliveryPreflight(ResponseUrlPolicy policy) {
        this.policy = policy;
    }

    /** What to do with one response. */
    public sealed interface Plan {
    }

    /** Send {@code body} to {@code url}; {@code bodyCut} when Reason or Data had to give way. */
    public record Send(URI url, byte[] body, boolean bodyCut) implements Plan {
    }

    /** Do not send; dead-letter for {@code giveUp}. */
    public record Refuse(DeliveryOutcome.GiveUp giveUp) implements Plan {
    }

    /** The plan for {@code response} at {@code now}. */
    public Plan check(CfnResponse response, Instant now) {
        if (response.getDeadline() == null || !now.isBefore(response.getDeadline())) {
            return new Refuse(new DeliveryOutcome.GiveUp(DeliveryOutcome.GiveUp.DEADLINE_PASSED,
                    "CloudFormation stopped waiting at " + response.getDeadline()
                            + (response.getLastError() == null ? "" : "; last error: " + response.getLastError())));
        }
        ResponseUrlPolicy.Verdict verdict = policy.check(response.getResponseUrl(), stackRegion(response.getStackId()));
        if (!verdict.allowed()) {
            return new Refuse(new DeliveryOutcome.GiveUp(verdict.reasonCode(), verdict.reason()));
        }
        URI url;
        try {
            url = new URI(response.getResponseUrl());
        } catch (URISyntaxException e) {
            return new Refuse(new DeliveryOutcome.GiveUp("RESPONSE_URL_INVALID", "ResponseURL is not a valid URL"));
        }
        try {
            CloudFormationResponseBody.Encoded body = CloudFormationResponseBody.encode(response);
            return new Send(url, body.bytes(), body.cut());
        } catch (CloudFormationResponseBody.InvalidResponseException e) {
            return new Refuse(new DeliveryOutcome.GiveUp(DeliveryOutcome.GiveUp.INVALID_RESPONSE, e.getMessage()));
        }
    }

    /**
     * The region field of a stack ARN ({@code arn:<partition>:cloudformation:<region>:<account>:stack/...}),
     * or null when {@code stackId} is not one; the policy then admits no AWS host.
     */
    static String stackRegion(String stackId) {
        if (stackId == null) {
            return null;
        }
        String[] parts = stackId.split(":", 6);
        if (parts.length < 6 || !parts[0].equals("arn") || !parts[2].equals("cloudformation")) {
            return null;
        }
        return parts[3];
    }
}
