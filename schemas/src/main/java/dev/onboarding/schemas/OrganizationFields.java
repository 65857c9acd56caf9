package dev.onboarding.schemas;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationKind;
import dev.onboarding.contract.OrganizationMember;
import dev.onboarding.contract.OrganizationMemberSummary;

/**
 * What organizations add to an integration's JSON state, shown alike by the processor's query endpoint and the API
 * (one writer, so the two never drift apart): {@code kind}; on an ORGANIZATION integration its expected
 * organization, OUs, {@code members} (accountId, integrationId, status, reason, updatedAt) and {@code memberSummary}
 * (connected, failed, pending); on a member account's integration the {@code organizationIntegrationId} it connected
 * through and the expected organization.
 */
public final class OrganizationFields {
    private OrganizationFields() {
    }

    /** Adds the fields of {@code i} to {@code out}. */
    public static void addTo(ObjectNode out, Integration i) {
        out.put("kind", i.getKind().name());
        if (i.getKind() == IntegrationKind.ORGANIZATION) {
            out.put("expectedOrganizationId", i.getExpectedOrganizationId());
            ArrayNode units = out.putArray("organizationalUnitIds");
            i.getOrganizationalUnitIds().forEach(units::add);
            ArrayNode members = out.putArray("members");
            for (OrganizationMember member : i.getMembers()) {
                members.addObject()
                        .put("accountId", member.getAccountId())
                        .put("integrationId", member.getIntegrationId())
                        .put("status", member.getStatus().name())
                        .put("reason", member.getReason())
                        .put("updatedAt", member.getUpdatedAt() == null ? null : member.getUpdatedAt().toString());
            }
            OrganizationMemberSummary summary = i.getMemberSummary();
            out.putObject("memberSummary")
                    .put("connected", summary == null ? 0 : summary.getConnected())
                    .put("failed", summary == null ? 0 : summary.getFailed())
                    .put("pending", summary == null ? 0 : summary.getPending());
        } else if (i.getOrganizationIntegrationId() != null) {
            out.put("organizationIntegrationId", i.getOrganizationIntegrationId())
                    .put("expectedOrganizationId", i.getExpectedOrganizationId());
        }
    }
}
