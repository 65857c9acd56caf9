package dev.onboarding.bridge.ingress;

import dev.onboarding.bridge.ResponseUrlPolicy;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.runtime.RequestLogContext;
import dev.onboarding.schemas.ExternalIds;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingress flow for one message of a regional queue: parse and validate; publish the callback. Roles are not
 * verified here: the processor first decides whether the external ID is an integration's, and only then asks the
 * bridge's verifier (so a forged callback costs no STS call). A message that fails validation becomes a dead
 * letter, and is answered through the responses topic when it still can be. Nothing is dropped: the
 * returned future fails only when Kafka did not take the records, and then the message comes back.
 */
public final class CallbackIntake implements MessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackIntake.class);

    private final CallbackParser parser;
    private final CallbackPublisher publisher;
    private final DeadLetters deadLetters;
    private final IngressMetrics metrics;
    private final Clock clock;

    /** The intake from its parts. */
    public CallbackIntake(CallbackParser parser, CallbackPublisher publisher, DeadLetters deadLetters,
            IngressMetrics metrics, Clock clock) {
        this.parser = parser;
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Void> handle(QueueMessage message) {
        ParseResult result;
        try {
            result = parser.parse(message);
        } catch (RuntimeException | StackOverflowError e) {
            // A parser bug must park the message, not spin it through SQS forever.
            LOG.error("parser failed on message {} from {}", message.messageId(), message.region(), e);
            result = new Rejection(RejectReason.INTERNAL_ERROR.name(),
                    "the bridge failed to parse this message (" + e.getClass().getSimpleName() + ")", Optional.empty());
        }
        if (result instanceof ParsedCallback parsed) {
            CfnCallback callback = parsed.callback();
            try (RequestLogContext ignored = RequestLogContext.of(callback.getRequestId(), null,
                    ExternalIds.redact(callback.getExternalId()))) {
                return accept(parsed);
            }
        }
        if (result instanceof Rejection rejection) {
            try (RequestLogContext ignored = RequestLogContext.of(rejection.answerable()
                    .map(a -> a.request().requestId()).orElse(null), null, null)) {
                return reject(message, rejection);
            }
        }
        return park(message, (SubscriptionNotice) result);
    }

    private CompletableFuture<Void> accept(ParsedCallback parsed) {
        CfnCallback callback = parsed.callback();
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} for account {} from {}, external id {}, response to {}", callback.getRequestType(),
                    callback.getRequestId(), callback.getAccountId(), callback.getRegion(),
                    ExternalIds.redact(callback.getExternalId()),
                    ResponseUrlPolicy.hostForLogs(callback.getResponseUrl()));
        }
        return publisher.publish(callback);
    }

    private CompletableFuture<Void> reject(QueueMessage message, Rejection rejection) {
        // Anyone can publish malformed messages: DEBUG, so a flood of them cannot fill the logs (the dead letter
        // keeps the reason and the bytes, and the dead-letter metric counts them by reason).
        LOG.debug("rejected message {} from {}: {} ({}){}", message.messageId(), message.region(),
                rejection.reasonCode(), rejection.reason(), rejection.answerable().isPresent() ? ", answering" : "");
        metrics.deadLettered(message.region(), rejection.reasonCode());
        CompletableFuture<Void> parked = publisher.publish(message.messageId(),
                deadLetters.of(message, rejection.reasonCode(), rejection.reason()));
        Optional<CfnResponse> answer = rejection.answer(clock.instant());
        if (answer.isEmpty()) {
            return parked;
        }
        metrics.answeredRejection(message.region(), answer.get().getStatus().name());
        return CompletableFuture.allOf(parked, publisher.publish(answer.get()));
    }

    private CompletableFuture<Void> park(QueueMessage message, SubscriptionNotice notice) {
        // Confirming would subscribe the queue to whatever topic the message names: an operator decides.
        LOG.warn("SNS {} for topic {} arrived on the {} queue (message {}); not confirmed automatically, "
                + "parked in the dead-letter topic", notice.type(), notice.topicArn().orElse("?"), message.region(),
                message.messageId());
        metrics.snsNotice(message.region(), notice.type());
        metrics.deadLettered(message.region(), notice.reasonCode());
        return publisher.publish(message.messageId(), deadLetters.of(message, notice.reasonCode(),
                "SNS " + notice.type() + " for topic " + notice.topicArn().orElse("?")
                        + "; confirm it by hand if the subscription is wanted"));
    }
}
