package dev.onboarding.processor;

import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationProgress;
import dev.onboarding.contract.RoleVerificationProgress;
import dev.onboarding.schemas.ExternalIds;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON form of an integration's state for the query API. The external ID is shown redacted: it is
 * the secret of the confused-deputy check, and whoever needs it in full (the customer's template) gets it
 * from the service that minted it, not from an operational API.
 */
public final class IntegrationJson {
    private IntegrationJson() {
    }

    /** One integration as a JSON object. */
    public static String of(Integration i) {
        StringBuilder out = new StringBuilder(512).append('{');
        field(out, "integrationId", i.getIntegrationId());
        field(out, "tenantId", i.getTenantId());
        field(out, "externalId", ExternalIds.redact(i.getExternalId()));
        field(out, "name", i.getName());
        field(out, "status", i.getStatus().name());
        field(out, "roleName", i.getRoleName());
        field(out, "expectedAccountId", i.getExpectedAccountId());
        field(out, "accountId", i.getAccountId());
        field(out, "roleArn", i.getRoleArn());
        field(out, "region", i.getRegion());
        field(out, "stackId", i.getStackId());
        field(out, "logicalResourceId", i.getLogicalResourceId());
        field(out, "physicalResourceId", i.getPhysicalResourceId());
        field(out, "lastRequestId", i.getLastRequestId());
        field(out, "lastFailureReason", i.getLastFailureReason());
        field(out, "templateVersion", i.getTemplateVersion());
        out.append("\"tags\":{");
        boolean first = true;
        for (Map.Entry<String, String> tag : new TreeMap<>(i.getTags()).entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, tag.getKey()).append(':');
            string(out, tag.getValue());
        }
        out.append("},");
        field(out, "requestedAt", time(i.getRequestedAt()));
        field(out, "expiresAt", time(i.getExpiresAt()));
        field(out, "connectedAt", time(i.getConnectedAt()));
        field(out, "updatedAt", time(i.getUpdatedAt()));
        progress(out, i.getProgress());
        out.append("\"version\":").append(i.getVersion());
        return out.append('}').toString();
    }

    /** {@code "progress":{...},} (null when no callback arrived yet). */
    private static void progress(StringBuilder out, IntegrationProgress progress) {
        out.append("\"progress\":");
        if (progress == null) {
            out.append("null,");
            return;
        }
        out.append('{');
        field(out, "latestCallbackType", progress.getLatestCallbackType().name());
        field(out, "latestCallbackRequestId", progress.getLatestCallbackRequestId());
        field(out, "latestCallbackAt", time(progress.getLatestCallbackAt()));
        out.append("\"roleVerification\":");
        RoleVerificationProgress verification = progress.getRoleVerification();
        if (verification == null) {
            out.append("null");
        } else {
            out.append('{');
            field(out, "state", verification.getState().name());
            field(out, "reason", verification.getReason());
            string(out, "updatedAt").append(':');
            string(out, time(verification.getUpdatedAt())).append('}');
        }
        out.append("},");
    }

    /** A tenant's integrations: {@code {"tenantId":..., "integrations":[...]}}. */
    public static String ofTenant(String tenantId, List<Integration> integrations) {
        return ofTenantParts(tenantId, List.of(array(integrations)));
    }

    /** A tenant's integrations from several JSON arrays of them (one per instance), merged into one answer. */
    public static String ofTenantParts(String tenantId, List<String> arrays) {
        StringBuilder out = new StringBuilder().append('{');
        field(out, "tenantId", tenantId);
        out.append("\"integrations\":[");
        boolean first = true;
        for (String array : arrays) {
            String inner = array.strip();
            inner = inner.substring(1, inner.length() - 1).strip();
            if (!inner.isEmpty()) {
                if (!first) {
                    out.append(',');
                }
                out.append(inner);
                first = false;
            }
        }
        return out.append("]}").toString();
    }

    /** Integrations as a JSON array. */
    public static String array(List<Integration> integrations) {
        StringBuilder out = new StringBuilder().append('[');
        for (int n = 0; n < integrations.size(); n++) {
            if (n > 0) {
                out.append(',');
            }
            out.append(of(integrations.get(n)));
        }
        return out.append(']').toString();
    }

    /** The array of integrations in an answer of {@link #ofTenant} (as another instance sent it). */
    public static String integrationsOf(String tenantAnswer) {
        int start = tenantAnswer.indexOf("\"integrations\":[");
        if (start < 0 || !tenantAnswer.endsWith("]}")) {
            throw new IllegalArgumentException("not a tenant answer");
        }
        return tenantAnswer.substring(start + "\"integrations\":".length(), tenantAnswer.length() - 1);
    }

    /** An error object: {@code {"error":...}}. */
    public static String error(String message) {
        StringBuilder out = new StringBuilder().append("{\"error\":");
        return string(out, message).append('}').toString();
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static void field(StringBuilder out, String name, String value) {
        string(out, name).append(':');
        if (value == null) {
            out.append("null");
        } else {
            string(out, value);
        }
        out.append(',');
    }

    private static StringBuilder string(StringBuilder out, String value) {
        out.append('"');
        for (int n = 0; n < value.length(); n++) {
            char c = value.charAt(n);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
