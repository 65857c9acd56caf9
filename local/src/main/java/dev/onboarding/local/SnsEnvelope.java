package dev.onboarding.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * An SNS notification as an SQS queue subscribed without raw delivery receives it: the published message as one
 * JSON string inside an envelope. The signature is a placeholder: the local stack has no SNS to sign it.
 *
 * @param messageId the SNS message id
 * @param json the envelope as the queue receives it
 */
record SnsEnvelope(String messageId, String json) {
    /** Subject CloudFormation gives its custom resource notifications. */
    static final String SUBJECT = "AWS CloudFormation custom resource request";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Wraps {@code message} as a notification from {@code topicArn} in {@code region}. */
    static SnsEnvelope wrap(String region, String topicArn, String message, Instant at) {
        String messageId = UUID.randomUUID().toString();
        byte[] fakeSignature = new byte[256];
        for (int i = 0; i < fakeSignature.length; i++) {
            fakeSignature[i] = (byte) (messageId.charAt(i % messageId.length()) * 31 + i);
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("Type", "Notification");
        node.put("MessageId", messageId);
        node.put("TopicArn", topicArn);
        node.put("Subject", SUBJECT);
        node.put("Message", message);
        node.put("Timestamp", DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.MILLIS)));
        node.put("SignatureVersion", "1");
        node.put("Signature", Base64.getEncoder().encodeToString(fakeSignature));
        node.put("SigningCertURL", "https://sns." + region
                + ".amazonaws.com/SimpleNotificationService-0000000000000000000000000000000.pem");
        node.put("UnsubscribeURL", "https://sns." + region
                + ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + topicArn + ":" + UUID.randomUUID());
        return new SnsEnvelope(messageId, node.toString());
    }
}
