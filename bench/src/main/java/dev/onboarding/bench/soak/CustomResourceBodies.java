package dev.onboarding.bench.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.embedded.S3ResponseStandIn;
import java.time.Instant;
import java.util.UUID;

/**
 * SQS message bodies as SNS delivers CloudFormation's custom-resource requests to the provider's regional queue
 * (raw delivery off), with their ResponseURL on the S3 stand-in, and the hostile variants the soak mixes in.
 */
final class CustomResourceBodies {
    /** The logical id of the custom resource in the provider's template. */
    static final String LOGICAL_ID = "ProviderIntegrationNotification";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] SIGNING_KEY = "soak-response-url-signing-key-00".getBytes();

    private final String s3Origin;

    /** Bodies whose legitimate ResponseURLs point at the S3 stand-in at {@code s3Origin}. */
    CustomResourceBodies(String s3Origin) {
        this.s3Origin = s3Origin;
    }

    /** A stack ARN in {@code account} and {@code region}. */
    static String stackId(String region, String account) {
        String id = UUID.randomUUID().toString();
        return "arn:aws:cloudformation:" + region + ":" + account + ":stack/provider-integration-"
                + id.substring(0, 8) + "/" + id;
    }

    /** The pre-signed-looking ResponseURL CloudFormation would give for this request. */
    String responseUrl(String region, String stackId, String requestId) {
        return S3ResponseStandIn.responseUrl(s3Origin, SIGNING_KEY, Instant.now(), region, stackId, LOGICAL_ID,
                requestId);
    }

    /**
     * A request of {@code type} (Create, Update, Delete) as SNS delivers it; {@code physicalId} null for a Create,
     * {@code requestId} null to leave RequestId out (a malformed request).
     */
    String request(String type, String region, String stackId, String requestId, String physicalId,
            String externalId, String roleName, String responseUrl) {
        return request(type, region, stackId, requestId, physicalId, externalId, roleName, responseUrl, false);
    }

    /**
     * As {@link #request(String, String, String, String, String, String, String, String)}; an Update with
     * {@code withOldProperties} carries OldResourceProperties equal to its properties (a stack update that changes
     * neither the role nor the external ID, so it needs no role verification).
     */
    String request(String type, String region, String stackId, String requestId, String physicalId,
            String externalId, String roleName, String responseUrl, boolean withOldProperties) {
        String topicArn = "arn:aws:sns:" + region + ":" + SoakStack.PROVIDER_ACCOUNT + ":onboarding-callbacks";
        ObjectNode request = JSON.createObjectNode();
        request.put("RequestType", type);
        request.put("ServiceToken", topicArn);
        request.put("ResponseURL", responseUrl);
        request.put("StackId", stackId);
        if (requestId != null) {
            request.put("RequestId", requestId);
        }
        request.put("LogicalResourceId", LOGICAL_ID);
        request.put("ResourceType", "Custom::ProviderIntegrationNotification");
        if (physicalId != null) {
            request.put("PhysicalResourceId", physicalId);
        }
        ObjectNode properties = request.putObject("ResourceProperties");
        properties.put("ServiceToken", topicArn);
        properties.put("ExternalID", externalId);
        properties.put("RoleName", roleName);
        if (withOldProperties) {
            request.set("OldResourceProperties", properties.deepCopy());
        }
        return envelope(region, topicArn, request.toString());
    }

    private static String envelope(String region, String topicArn, String message) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("Type", "Notification");
        envelope.put("MessageId", UUID.randomUUID().toString());
        envelope.put("TopicArn", topicArn);
        envelope.put("Subject", "AWS CloudFormation custom resource request");
        envelope.put("Message", message);
        envelope.put("Timestamp", Instant.now().toString());
        envelope.put("SignatureVersion", "1");
        envelope.put("Signature", "c29haw==");
        envelope.put("SigningCertURL", "https://sns." + region
                + ".amazonaws.com/SimpleNotificationService-0000000000000000000000000000000.pem");
        envelope.put("UnsubscribeURL", "https://sns." + region + ".amazonaws.com/?Action=Unsubscribe"
                + "&SubscriptionArn=" + topicArn + ":1");
        return envelope.toString();
    }

    /** A body that is not JSON at all (unique, so its dead letter can be matched). */
    static String notJson() {
        return "{\"Type\": \"Notification\", \"Message\": <truncated " + UUID.randomUUID() + ">";
    }
}
