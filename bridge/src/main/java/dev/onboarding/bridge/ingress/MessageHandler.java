package dev.onboarding.bridge.ingress;

import java.util.concurrent.CompletableFuture;

/** What a {@link RegionalQueuePoller} does with each message it receives. */
@FunctionalInterface
public interface MessageHandler {
    /**
     * Handles one message. The future completes normally once everything the message produced is
     * acknowledged by Kafka (the message may then be deleted), or exceptionally to leave it for
     * redelivery.
     */
    CompletableFuture<Void> handle(QueueMessage message);
}
