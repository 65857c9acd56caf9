package dev.onboarding.processor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationKind;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.OrganizationMember;
import dev.onboarding.contract.OrganizationMemberStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The organization's member list, without Kafka. */
class OrganizationMembersTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void forgedMembersUnderALeakedSharedIdListAtMostTheBoundAndConnectedOnesStay() {
        Integration organization = Integration.newBuilder().setIntegrationId("org-1").setTenantId("t")
                .setExternalId("onb-x").setKind(IntegrationKind.ORGANIZATION).setExpectedOrganizationId("o-abc")
                .setStatus(IntegrationStatus.PENDING).setRoleName("r").setRequestedAt(NOW).setExpiresAt(NOW)
                .setUpdatedAt(NOW).setVersion(1).build();
        organization = OrganizationMembers.withMember(organization, member("111111111111",
                OrganizationMemberStatus.CONNECTED, NOW), NOW).orElseThrow();
        int forged = OrganizationMembers.MAX_LISTED_UNCONNECTED + 50;
        for (int n = 0; n < forged; n++) {
            Instant at = NOW.plus(Duration.ofSeconds(n + 1));
            organization = OrganizationMembers.withMember(organization, member(String.format("9%011d", n),
                    OrganizationMemberStatus.FAILED, at), at).orElseThrow();
        }

        assertThat(organization.getMembers()).hasSize(OrganizationMembers.MAX_LISTED_UNCONNECTED + 1);
        assertThat(organization.getMembers()).extracting(OrganizationMember::getAccountId)
                .contains("111111111111", String.format("9%011d", forged - 1))
                .doesNotContain(String.format("9%011d", 0), String.format("9%011d", 49))
                .contains(String.format("9%011d", 50));
        assertThat(organization.getMemberSummary().getConnected()).isEqualTo(1);
        assertThat(organization.getMemberSummary().getFailed()).isEqualTo(OrganizationMembers.MAX_LISTED_UNCONNECTED);
    }

    private static OrganizationMember member(String account, OrganizationMemberStatus status, Instant at) {
        return OrganizationMember.newBuilder().setAccountId(account).setIntegrationId("org-1-" + account)
                .setStatus(status).setReason(status == OrganizationMemberStatus.FAILED ? "not a member" : null)
                .setUpdatedAt(at).build();
    }
}
