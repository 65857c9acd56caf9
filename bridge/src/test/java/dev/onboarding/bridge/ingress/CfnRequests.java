package dev.onboarding.bridge.ingress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/** Custom-resource requests and SNS envelopes shaped like CloudFormation's, for tests. */
final class CfnRequests {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROVIDER_ACCOUNT = "999999999999";

    private CfnRequests() {
    }

    /** A valid Create for {@code account} in {@code region}. */
    static ObjectNode create(String region, String account, String externalId, String roleName) {
        String requestId = UUID.randomUUID().toString();
        String stackId = stackId(region, account);
        ObjectNode request = JSON.createObjectNode();
        request.put("RequestType", "Create");
        request.put("ServiceToken", topicArn(region));
        request.put("ResponseURL", responseUrl(region, stackId, requestId));
        request.put("StackId", stackId);
        request.put("RequestId", requestId);
        request.put("LogicalResourceId", "ProviderIntegrationNotification");
        request.put("ResourceType", "Custom::ProviderAWSIntegrationNotification");
        ObjectNode properties = request.putObject("ResourceProperties");
        properties.put("ServiceToken", topicArn(region));
        properties.put("ExternalID", externalId);
        properties.put("RoleName", roleName);
        return request;
    }

    /** The same request turned into a Delete of {@code physicalId}. */
    static ObjectNode delete(ObjectNode create, String physicalId) {
        ObjectNode delete = create.deepCopy();
        delete.put("RequestType", "Delete");
        delete.put("RequestId", UUID.randomUUID().toString());
        delete.put("PhysicalResourceId", physicalId);
        return delete;
    }

    /** An Update of {@code create} whose new properties are the given ones. */
    static ObjectNode update(ObjectNode create, String physicalId, String externalId, String roleName) {
        ObjectNode update = create.deepCopy();
        update.put("RequestType", "Update");
        update.put("RequestId", UUID.randomUUID().toString());
        update.put("PhysicalResourceId", physicalId);
        update.set("OldResourceProperties", create.get("ResourceProperties").deepCopy());
        ObjectNode properties = (ObjectNode) update.get("ResourceProperties");
        properties.put("ExternalID", externalId);
        properties.put("RoleName", roleName);
        return update;
    }

    static String stackId(String region, String account) {
        return "arn:aws:cloudformation:" + region + ":" + account + ":stack/customer-onboarding/"
                + UUID.randomUUID();
    }

    static String topicArn(String region) {
        return "arn:aws:sns:" + region + ":" + PROVIDER_ACCOUNT + ":onboarding-callbacks";
    }

    /** A pre-signed URL on the stack region's response bucket (never contacted by the ingress). */
    static String responseUrl(String region, String stackId, String requestId) {
        return "https://cloudformation-custom-resource-response-" + region.replace("-", "") + ".s3." + region
                + ".amazonaws.com/" + stackId.replace(":", "%3A").replace("/", "%2F") + "%7CNotify%7C" + requestId
                + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260101T000000Z&X-Amz-Expires=7200"
                + "&X-Amz-Signature=" + "0f".repeat(32);
    }

    /** The SNS notification envelope SQS receives with raw delivery off (pretty-printed like SNS's). */
    static String snsEnvelope(ObjectNode request, String region) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("Type", "Notification");
        envelope.put("MessageId", UUID.randomUUID().toString());
        envelope.put("TopicArn", topicArn(region));
        envelope.put("Subject", "AWS CloudFormation custom resource request");
        envelope.put("Message", request.toString());
        envelope.put("Timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        envelope.put("SignatureVersion", "1");
        envelope.put("Signature", "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=");
        envelope.put("SigningCertURL", "https://sns." + region
                + ".amazonaws.com/SimpleNotificationService-0000000000000000000000.pem");
        envelope.put("UnsubscribeURL", "https://sns." + region
                + ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + topicArn(region) + ":1234");
        return envelope.toPrettyString().replace("\" : ", "\" : ");
    }

    /** A message as the poller would hand it over. */
    static QueueMessage message(String region, String body) {
        return message(region, body.getBytes(StandardCharsets.UTF_8));
    }

    static QueueMessage message(String region, byte[] body) {
        return new QueueMessage(region, "http://127.0.0.1:9324/000000000000/callbacks-" + region,
                UUID.randomUUID().toString(), "handle-" + UUID.randomUUID(), body, 1,
                Optional.of(Instant.parse("2026-01-01T00:00:00Z")), Instant.parse("2026-01-01T00:00:01Z"));
    }
}
