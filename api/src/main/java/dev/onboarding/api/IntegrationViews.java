package dev.onboarding.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationKind;
import dev.onboarding.contract.IntegrationProgress;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.RoleVerificationProgress;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.IntegrationHealthJson;
import dev.onboarding.schemas.OrganizationFields;
import dev.onboarding.schemas.requests.QuickCreateLink;
import dev.onboarding.schemas.requests.RequestConfig;
import dev.onboarding.schemas.requests.StackSetLaunch;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON the API answers with. A state shows the fields the processor's query endpoint shows, the external ID
 * redacted, plus the tenant's own {@code quickCreateUrl} while PENDING (it carries the external ID: whoever reads
 * the integration may launch its stack); an organization has no quick-create link and shows {@code stackSet} instead
 * (the StackSet template's URL and the {@code create-stack-set} and {@code create-stack-instances} commands). Only the
 * create's answer shows the external ID in full.
 */
final class IntegrationViews {
    private final RequestConfig config;

    IntegrationViews(RequestConfig config) {
        this.config = config;
    }

    /** An integration's state, as GET and the list show it. */
    ObjectNode state(Integration i) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("integrationId", i.getIntegrationId());
        node.put("tenantId", i.getTenantId());
        node.put("externalId", ExternalIds.redact(i.getExternalId()));
        node.put("name", i.getName());
        node.put("status", i.getStatus().name());
        node.put("roleName", i.getRoleName());
        node.put("expectedAccountId", i.getExpectedAccountId());
        node.put("accountId", i.getAccountId());
        node.put("roleArn", i.getRoleArn());
        node.put("region", i.getRegion());
        node.put("stackId", i.getStackId());
        node.put("logicalResourceId", i.getLogicalResourceId());
        node.put("physicalResourceId", i.getPhysicalResourceId());
        node.put("lastRequestId", i.getLastRequestId());
        node.put("lastFailureReason", i.getLastFailureReason());
        node.put("templateVersion", i.getTemplateVersion());
        ObjectNode tags = node.putObject("tags");
        new TreeMap<>(i.getTags()).forEach(tags::put);
        node.put("requestedAt", time(i.getRequestedAt()));
        node.put("expiresAt", time(i.getExpiresAt()));
        node.put("connectedAt", time(i.getConnectedAt()));
        node.put("updatedAt", time(i.getUpdatedAt()));
        progress(node, i.getProgress());
        IntegrationHealthJson.put(node, i.getHealth());
        OrganizationFields.addTo(node, i);
        node.put("version", i.getVersion());
        if (i.getStatus() == IntegrationStatus.PENDING) {
            launch(node, i, config.consoleRegion());
        }
        return node;
    }

    /** The answer to a create: what the provider hands to its customer, the external ID in full. */
    ObjectNode created(IntegrationRequests.Created created) {
        Integration i = created.state();
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("integrationId", i.getIntegrationId());
        node.put("tenantId", i.getTenantId());
        node.put("externalId", i.getExternalId());
        node.put("name", i.getName());
        node.put("roleName", i.getRoleName());
        node.put("status", i.getStatus().name());
        node.put("kind", i.getKind().name());
        if (i.getStatus() == IntegrationStatus.PENDING) {
            launch(node, i, created.consoleRegion());
        }
        if (i.getKind() == IntegrationKind.ORGANIZATION) {
            node.put("templateUrl", config.organizationTemplateUrl().orElse(null));
            node.put("expectedOrganizationId", i.getExpectedOrganizationId());
            ArrayNode units = node.putArray("organizationalUnitIds");
            i.getOrganizationalUnitIds().forEach(units::add);
        } else {
            node.put("templateUrl", config.templateUrl());
        }
        node.put("expectedAccountId", i.getExpectedAccountId());
        ObjectNode tags = node.putObject("tags");
        new TreeMap<String, String>(Map.copyOf(i.getTags())).forEach(tags::put);
        node.put("requestedAt", time(i.getRequestedAt()));
        node.put("expiresAt", time(i.getExpiresAt()));
        node.put("version", i.getVersion());
        return node;
    }

    /** What the latest callback did: its type and arrival, its role's verification; null before any callback. */
    private static void progress(ObjectNode node, IntegrationProgress progress) {
        if (progress == null) {
            node.putNull("progress");
            return;
        }
        ObjectNode out = node.putObject("progress");
        out.put("latestCallbackType", progress.getLatestCallbackType().name());
        out.put("latestCallbackRequestId", progress.getLatestCallbackRequestId());
        out.put("latestCallbackAt", time(progress.getLatestCallbackAt()));
        RoleVerificationProgress verification = progress.getRoleVerification();
        if (verification == null) {
            out.putNull("roleVerification");
        } else {
            ObjectNode role = out.putObject("roleVerification");
            role.put("state", verification.getState().name());
            role.put("reason", verification.getReason());
            role.put("updatedAt", time(verification.getUpdatedAt()));
        }
    }

    /** How the customer launches a PENDING integration: its quick-create link, or an organization's StackSet. */
    private void launch(ObjectNode node, Integration i, String region) {
        if (i.getKind() != IntegrationKind.ORGANIZATION) {
            node.put("quickCreateUrl", QuickCreateLink.forIntegration(config, region, QuickCreateLink.stackNameFor(
                    i.getIntegrationId()), i.getExternalId(), i.getRoleName()));
            return;
        }
        if (config.organizationTemplateUrl().isEmpty()) {
            return; // the provider stopped taking organizations; the integration still shows
        }
        StackSetLaunch.forIntegration(config, region, i.getIntegrationId(), i.getExternalId(), i.getRoleName(),
                i.getOrganizationalUnitIds()).writeTo(node.putObject("stackSet"));
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
