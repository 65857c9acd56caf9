package dev.onboarding.bridge.ingress;

import java.util.Optional;

/**
 * An SNS {@code SubscriptionConfirmation} or {@code UnsubscribeConfirmation}. The bridge never follows
 * its URLs: it is counted, logged and parked in the dead-letter topic for an operator.
 *
 * @param type the SNS message type
 * @param topicArn the topic that sent it, when readable
 */
public record SubscriptionNotice(String type, Optional<String> topicArn) implements ParseResult {
    /** Reason code under which the notice is parked in the dead-letter topic. */
    public String reasonCode() {
        return "SubscriptionConfirmation".equals(type) ? "SNS_SUBSCRIPTION_CONFIRMATION"
                : "SNS_UNSUBSCRIBE_CONFIRMATION";
    }
}
