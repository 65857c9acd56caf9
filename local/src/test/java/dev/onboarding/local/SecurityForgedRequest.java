package dev.onboarding.local;

import dev.onboarding.schemas.requests.RequestConfig;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A custom-resource request with every field of the test's choosing, as anyone may publish it to the provider's
 * open SNS topic: CloudFormation's shape by default (a new stack in the account, a ResponseURL on the S3
 * stand-in), then any field replaced. Sending it wraps it in an SNS envelope on the region's queue.
 */
final class SecurityForgedRequest {
    /**
     * A request on the queue.
     *
     * @param requestId its RequestId
     * @param stackId its StackId
     * @param responseUrl its ResponseURL
     * @param messageId the SQS message id (the key of its dead letter, if it gets one)
     * @param body the SQS body exactly as sent (for replays)
     */
    record Sent(String requestId, String stackId, String responseUrl, String messageId, String body) {
    }

    private final SecurityStack stack;
    private final StackLaunch.Type type;
    private final String externalId;
    private String roleName = SecurityStack.ROLE_NAME;
    private String stackId;
    private String requestId = UUID.randomUUID().toString();
    private String logicalId = CustomResourceRequest.LOGICAL_RESOURCE_ID;
    private Optional<String> physicalId = Optional.empty();
    private String responseUrl;

    SecurityForgedRequest(SecurityStack stack, StackLaunch.Type type, String externalId, String account) {
        this.stack = stack;
        this.type = type;
        this.externalId = externalId;
        String suffix = UUID.randomUUID().toString();
        this.stackId = "arn:aws:cloudformation:" + SecurityStack.REGION + ":" + account + ":stack/security-"
                + suffix.substring(0, 8) + "/" + suffix;
    }

    SecurityForgedRequest roleName(String value) {
        roleName = value;
        return this;
    }

    SecurityForgedRequest stackId(String value) {
        stackId = value;
        return this;
    }

    SecurityForgedRequest requestId(String value) {
        requestId = value;
        return this;
    }

    SecurityForgedRequest physicalId(String value) {
        physicalId = Optional.of(value);
        return this;
    }

    SecurityForgedRequest responseUrl(String value) {
        responseUrl = value;
        return this;
    }

    String requestId() {
        return requestId;
    }

    String stackId() {
        return stackId;
    }

    /** The ResponseURL it carries: the given one, else a pre-signed-looking URL on the S3 stand-in. */
    String responseUrl() {
        if (responseUrl == null) {
            responseUrl = stack.cloudFormation().responseUrl(SecurityStack.REGION, stackId, requestId);
        }
        return responseUrl;
    }

    /** The path of {@link #responseUrl()} on the S3 stand-in (to script its answers before sending). */
    String responsePath() {
        String url = responseUrl();
        int start = url.indexOf('/', url.indexOf("://") + 3);
        int query = url.indexOf('?');
        return url.substring(start, query < 0 ? url.length() : query);
    }

    /** The SNS envelope's JSON, as the queue would receive it. */
    String body() {
        String serviceToken = "arn:aws:sns:" + SecurityStack.REGION + ":" + LocalEnvironment.PROVIDER_ACCOUNT + ":"
                + RequestConfig.DEFAULT_TOPIC_NAME;
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("ServiceToken", serviceToken);
        properties.put("ExternalID", externalId);
        properties.put("RoleName", roleName);
        CustomResourceRequest request = new CustomResourceRequest(type.name(), serviceToken, responseUrl(), stackId,
                requestId, logicalId, CustomResourceRequest.RESOURCE_TYPE, properties, physicalId,
                type == StackLaunch.Type.Update ? Optional.of(properties) : Optional.empty());
        return SnsEnvelope.wrap(SecurityStack.REGION, serviceToken, request.toJson(), Instant.now()).json();
    }

    /** Puts it on the region's queue. */
    Sent send() {
        String body = body();
        return new Sent(requestId, stackId, responseUrl(), stack.sendRaw(body), body);
    }
}
