package dev.onboarding.bridge.ingress;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the provider's SQS dead-letter queue of one region (messages past the queue's
 * maxReceiveCount) into the Kafka dead-letter topic with reason {@code SQS_MAX_RECEIVES}, so a message
 * that kept failing is still seen, with its original body.
 */
public final class SqsDeadLetterDrain implements MessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SqsDeadLetterDrain.class);

    private final CallbackPublisher publisher;
    private final DeadLetters deadLetters;
    private final IngressMetrics metrics;

    /** A drain publishing through {@code publisher}. */
    public SqsDeadLetterDrain(CallbackPublisher publisher, DeadLetters deadLetters, IngressMetrics metrics) {
        this.publisher = publisher;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<Void> handle(QueueMessage message) {
        String code = RejectReason.SQS_MAX_RECEIVES.name();
        LOG.warn("message {} reached the SQS dead-letter queue of {}; moving it to the dead-letter topic",
                message.messageId(), message.region());
        metrics.deadLettered(message.region(), code);
        return publisher.publish(message.messageId(), deadLetters.of(message, code,
                "SQS moved this message to the dead-letter queue after too many receives (receive count "
                        + message.receiveCount() + " there)"));
    }
}
