package dev.onboarding.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * What CloudFormation sees of a custom resource: the body of the answer PUT to the ResponseURL.
 *
 * @param status SUCCESS or FAILED (as sent; anything else is shown as is)
 * @param reason the reason, empty when none was sent
 * @param physicalResourceId the physical resource id, empty when none was sent
 * @param data the {@code Data} object (empty object when none)
 * @param requestId the RequestId echoed in the answer
 * @param receivedAt when the stand-in received it
 */
record CloudFormationAnswer(String status, String reason, String physicalResourceId, JsonNode data,
        String requestId, Instant receivedAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads an answer body; a body that is not JSON is shown as an INVALID answer with the parse problem. */
    static CloudFormationAnswer parse(String body, Instant receivedAt) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                return invalid("the answer body is not a JSON object", receivedAt);
            }
            JsonNode data = node.path("Data");
            return new CloudFormationAnswer(node.path("Status").asText(""), node.path("Reason").asText(""),
                    node.path("PhysicalResourceId").asText(""),
                    data.isObject() ? data : JSON.createObjectNode(), node.path("RequestId").asText(""), receivedAt);
        } catch (JsonProcessingException e) {
            return invalid("the answer body is not JSON: " + e.getOriginalMessage(), receivedAt);
        }
    }

    /** The StackId an answer body echoes, if it is readable. */
    static java.util.Optional<String> stackIdOf(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? java.util.Optional.empty()
                    : java.util.Optional.ofNullable(node.path("StackId").asText(null));
        } catch (JsonProcessingException e) {
            return java.util.Optional.empty();
        }
    }

    private static CloudFormationAnswer invalid(String why, Instant receivedAt) {
        return new CloudFormationAnswer("INVALID", why, "", JSON.createObjectNode(), "", receivedAt);
    }

    /** Whether CloudFormation would take this as an answer: SUCCESS or FAILED. */
    boolean isAnswer() {
        return "SUCCESS".equals(status) || "FAILED".equals(status);
    }

    /** One line as CloudFormation shows it in the stack events. */
    String describe() {
        StringBuilder line = new StringBuilder(status);
        if (!reason.isEmpty()) {
            line.append(" \"").append(reason).append('"');
        }
        if (!physicalResourceId.isEmpty()) {
            line.append(", physical id ").append(physicalResourceId);
        }
        if (data.size() > 0) {
            line.append(", data ").append(data);
        }
        return line.toString();
    }

    /** Adds this answer's fields to a JSON result. */
    void writeTo(ObjectNode node) {
        node.put("status", status);
        node.put("reason", reason);
        node.put("physicalResourceId", physicalResourceId);
        node.set("data", data);
    }
}
