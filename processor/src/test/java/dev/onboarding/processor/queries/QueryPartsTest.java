package dev.onboarding.processor.queries;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.DeniedJobType;
import dev.onboarding.contract.HealthStatus;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationHealth;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.processor.TestData;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keys and JSON of the query API. */
class QueryPartsTest {
    @Test
    void tenantKeysAreUnambiguous() {
        String key = TenantKeys.key("a|b", "int-1");
        assertThat(key).startsWith(TenantKeys.prefix("a|b"));
        assertThat(key).doesNotStartWith(TenantKeys.prefix("a"));
        assertThat(TenantKeys.key("a", "|b")).doesNotStartWith(TenantKeys.prefix("a|b"));
        assertThat(TenantKeys.tenantOf(key)).isEqualTo("a|b");
    }

    @Test
    void theJsonRedactsTheExternalIdAndEscapesText() {
        String ext = TestData.externalId();
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        Integration integration = Integration.newBuilder().setIntegrationId("int-1").setTenantId("t")
                .setExternalId(ext).setName("say \"hi\"\n").setStatus(IntegrationStatus.PENDING).setRoleName("R")
                .setTags(Map.of("k", "v")).setRequestedAt(at).setExpiresAt(at).setUpdatedAt(at).setVersion(3)
                .build();
        String json = IntegrationJson.of(integration);
        assertThat(json).doesNotContain(ext).contains("\"externalId\":\"onb-…" + ext.substring(ext.length() - 4))
                .contains("\"name\":\"say \\\"hi\\\"\\n\"").contains("\"accountId\":null")
                .contains("\"tags\":{\"k\":\"v\"}").contains("\"version\":3")
                .contains("\"requestedAt\":\"2030-01-01T00:00:00Z\"").contains("\"templateVersion\":null");
        assertThat(IntegrationJson.of(Integration.newBuilder(integration).setTemplateVersion("1.1.0").build()))
                .contains("\"templateVersion\":\"1.1.0\"");
        assertThat(json).contains("\"kind\":\"ACCOUNT\"").doesNotContain("members");
        String organization = IntegrationJson.of(Integration.newBuilder(integration)
                .setKind(dev.onboarding.contract.IntegrationKind.ORGANIZATION).setExpectedOrganizationId("o-a1b2c3d4e5")
                .setMembers(List.of(dev.onboarding.contract.OrganizationMember.newBuilder().setAccountId("123456789012")
                        .setIntegrationId("int-1-123456789012")
                        .setStatus(dev.onboarding.contract.OrganizationMemberStatus.CONNECTED).setUpdatedAt(at).build()))
                .setMemberSummary(dev.onboarding.contract.OrganizationMemberSummary.newBuilder().setConnected(1)
                        .setFailed(0).setPending(0).build()).build());
        assertThat(organization).contains("\"kind\":\"ORGANIZATION\"", "\"expectedOrganizationId\":\"o-a1b2c3d4e5\"",
                "\"members\":[{\"accountId\":\"123456789012\",\"integrationId\":\"int-1-123456789012\","
                        + "\"status\":\"CONNECTED\"", "\"memberSummary\":{\"connected\":1,\"failed\":0,\"pending\":0}");
        assertThat(IntegrationJson.of(Integration.newBuilder(integration).setIntegrationId("int-1-123456789012")
                .setOrganizationIntegrationId("int-1").build())).contains("\"organizationIntegrationId\":\"int-1\"");
        String two = IntegrationJson.ofTenant("t", List.of(integration, integration));
        assertThat(two).startsWith("{\"tenantId\":\"t\",\"integrations\":[{").endsWith("}]}");
        // Answers of several instances merge into one.
        String merged = IntegrationJson.ofTenantParts("t", List.of(IntegrationJson.integrationsOf(two), "[]",
                IntegrationJson.array(List.of(integration))));
        assertThat(merged.split("\"integrationId\"", -1)).hasSize(4);
        assertThat(IntegrationJson.ofTenantParts("t", List.of("[]", "[ ]"))).isEqualTo(
                "{\"tenantId\":\"t\",\"integrations\":[]}");
    }

    @Test
    void theJsonShowsHealthWithItsReasonAndDeniedJobTypes() {
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        Integration integration = Integration.newBuilder().setIntegrationId("int-1").setTenantId("t")
                .setExternalId(TestData.externalId()).setStatus(IntegrationStatus.CONNECTED).setRoleName("R")
                .setRequestedAt(at).setExpiresAt(at).setUpdatedAt(at).setVersion(4).build();
        assertThat(IntegrationJson.of(integration)).contains("\"health\":null");
        String json = IntegrationJson.of(Integration.newBuilder(integration).setHealth(IntegrationHealth.newBuilder()
                .setStatus(HealthStatus.DEGRADED).setReason("denied").setDeniedJobTypes(List.of(DeniedJobType
                        .newBuilder().setResourceType("AWS::EC2::Instance").setAction("ec2:DescribeInstances")
                        .setGrantedByTemplate(true).setDeniedAt(at).build()))
                .setSince(at).setLastCheckedAt(at.plusSeconds(5)).build()).build());
        assertThat(json).contains("\"health\":{\"status\":\"DEGRADED\",\"reason\":\"denied\",\"deniedJobTypes\":[{"
                + "\"resourceType\":\"AWS::EC2::Instance\",\"action\":\"ec2:DescribeInstances\",\"grantedByTemplate\":true,"
                + "\"deniedAt\":\"2030-01-01T00:00:00Z\"}],\"since\":\"2030-01-01T00:00:00Z\","
                + "\"lastCheckedAt\":\"2030-01-01T00:00:05Z\"}");
    }
}
