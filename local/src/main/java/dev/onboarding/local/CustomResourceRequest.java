package dev.onboarding.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;

/**
 * A CloudFormation custom-resource request as CloudFormation publishes it to the ServiceToken's SNS topic:
 * every property value is a string, {@code ServiceToken} appears at the top and inside the properties,
 * {@code PhysicalResourceId} comes with Update and Delete, {@code OldResourceProperties} with Update.
 *
 * @param requestType Create, Update or Delete
 * @param serviceToken the provider's SNS topic ARN in the stack's region
 * @param responseUrl the pre-signed URL the answer must be PUT to
 * @param stackId the stack ARN
 * @param requestId unique id of this request
 * @param logicalResourceId the resource's logical id in the template
 * @param resourceType the custom resource type
 * @param resourceProperties the resource's properties (ServiceToken included)
 * @param physicalResourceId the id from the earlier answer (Update and Delete)
 * @param oldResourceProperties the properties before the change (Update)
 */
record CustomResourceRequest(String requestType, String serviceToken, String responseUrl, String stackId,
        String requestId, String logicalResourceId, String resourceType, Map<String, String> resourceProperties,
        Optional<String> physicalResourceId, Optional<Map<String, String>> oldResourceProperties) {
    /** The logical id of the notification in the customer template. */
    static final String LOGICAL_RESOURCE_ID = "IntegrationNotification";
    /** The custom resource type of the customer template. */
    static final String RESOURCE_TYPE = "Custom::OnboardingAWSIntegrationNotification";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The request as CloudFormation serialises it. */
    String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("RequestType", requestType);
        node.put("ServiceToken", serviceToken);
        node.put("ResponseURL", responseUrl);
        node.put("StackId", stackId);
        node.put("RequestId", requestId);
        node.put("LogicalResourceId", logicalResourceId);
        physicalResourceId.ifPresent(id -> node.put("PhysicalResourceId", id));
        node.put("ResourceType", resourceType);
        ObjectNode properties = node.putObject("ResourceProperties");
        resourceProperties.forEach(properties::put);
        oldResourceProperties.ifPresent(old -> {
            ObjectNode oldNode = node.putObject("OldResourceProperties");
            old.forEach(oldNode::put);
        });
        return node.toString();
    }
}
