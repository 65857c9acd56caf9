package dev.onboarding.processor.queries;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationProgress;
import dev.onboarding.contract.RoleVerificationProgress;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.IntegrationHealthJson;
import dev.onboarding.schemas.OrganizationFields;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

/**
 * The JSON form of an integration's state for the query API. The external ID is shown redacted: it is
 * the secret of the confused-deputy check, and whoever needs it in full (the customer's template) gets it
 * from the service that minted it, not from an operational API.
 */
public final class IntegrationJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IntegrationJson() {
    }

    /** One integration as a JSON object. */
    public static String of(Integration i) {
        return write(node(i));
    }

    /** A tenant's integrations: {@code {"tenantId":..., "integrations":[...]}}. */
    public static String ofTenant(String tenantId, List<Integration> integrations) {
        return ofTenantParts(tenantId, List.of(array(integrations)));
    }

    /** A tenant's integrations from several JSON arrays of them (one per instance), merged into one answer. */
    public static String ofTenantParts(String tenantId, List<String> arrays) {
        ObjectNode answer = JSON.createObjectNode().put("tenantId", tenantId);
        ArrayNode all = answer.putArray("integrations");
        for (String array : arrays) {
            JsonNode part = read(array);
            if (!part.isArray()) {
                throw new IllegalArgumentException("not a JSON array of integrations");
            }
            all.addAll((ArrayNode) part);
        }
        return write(answer);
    }

    /** Integrations as a JSON array. */
    public static String array(List<Integration> integrations) {
        ArrayNode array = JSON.createArrayNode();
        integrations.forEach(i -> array.add(node(i)));
        return write(array);
    }

    /** The array of integrations in an answer of {@link #ofTenant} (as another instance sent it). */
    public static String integrationsOf(String tenantAnswer) {
        JsonNode integrations = read(tenantAnswer).path("integrations");
        if (!integrations.isArray()) {
            throw new IllegalArgumentException("not a tenant answer");
        }
        return write(integrations);
    }

    /** An error object: {@code {"error":...}}. */
    public static String error(String message) {
        return write(JSON.createObjectNode().put("error", message));
    }

    private static ObjectNode node(Integration i) {
        ObjectNode out = JSON.createObjectNode()
                .put("integrationId", i.getIntegrationId())
                .put("tenantId", i.getTenantId())
                .put("externalId", ExternalIds.redact(i.getExternalId()))
                .put("name", i.getName())
                .put("status", i.getStatus().name())
                .put("roleName", i.getRoleName())
                .put("expectedAccountId", i.getExpectedAccountId())
                .put("accountId", i.getAccountId())
                .put("roleArn", i.getRoleArn())
                .put("region", i.getRegion())
                .put("stackId", i.getStackId())
                .put("logicalResourceId", i.getLogicalResourceId())
                .put("physicalResourceId", i.getPhysicalResourceId())
                .put("lastRequestId", i.getLastRequestId())
                .put("lastFailureReason", i.getLastFailureReason())
                .put("templateVersion", i.getTemplateVersion());
        ObjectNode tags = out.putObject("tags");
        new TreeMap<>(i.getTags()).forEach(tags::put);
        out.put("requestedAt", time(i.getRequestedAt()))
                .put("expiresAt", time(i.getExpiresAt()))
                .put("connectedAt", time(i.getConnectedAt()))
                .put("updatedAt", time(i.getUpdatedAt()));
        progress(out, i.getProgress());
        IntegrationHealthJson.put(out, i.getHealth());
        OrganizationFields.addTo(out, i);
        return out.put("version", i.getVersion());
    }

    /** {@code "progress": {...}}, null when no callback arrived yet. */
    private static void progress(ObjectNode out, IntegrationProgress progress) {
        if (progress == null) {
            out.putNull("progress");
            return;
        }
        ObjectNode node = out.putObject("progress")
                .put("latestCallbackType", progress.getLatestCallbackType().name())
                .put("latestCallbackRequestId", progress.getLatestCallbackRequestId())
                .put("latestCallbackAt", time(progress.getLatestCallbackAt()));
        RoleVerificationProgress verification = progress.getRoleVerification();
        if (verification == null) {
            node.putNull("roleVerification");
        } else {
            node.putObject("roleVerification")
                    .put("state", verification.getState().name())
                    .put("reason", verification.getReason())
                    .put("updatedAt", time(verification.getUpdatedAt()));
        }
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always writes.
            throw new IllegalStateException(e);
        }
    }
}
