package dev.onboarding.bridge.ingress;

import java.time.Instant;
import java.util.Optional;

/**
 * One SQS message as a poller received it, with the queue it came from.
 *
 * @param region region of the queue
 * @param queueUrl the queue
 * @param messageId SQS MessageId
 * @param receiptHandle handle to delete or extend it with
 * @param body the body's UTF-8 bytes, exactly as received
 * @param receiveCount ApproximateReceiveCount (1 on first delivery; 0 if SQS did not say)
 * @param sentAt SQS SentTimestamp, if SQS gave one
 * @param receivedAt when the poller received it
 */
public record QueueMessage(String region, String queueUrl, String messageId, String receiptHandle, byte[] body,
        int receiveCount, Optional<Instant> sentAt, Instant receivedAt) {
}
