package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onboarding.cli.IntegrationRequestPublisher;
import dev.onboarding.contract.IntegrationCancelled;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole AWS Organization on the real local stack: {@code simulate launch-stackset} sends each member's Create
 * through the queue, the bridge verifies its role and, with the role's credentials, its organization against the
 * Organizations stand-in, and the processor connects each member linked to the organization integration.
 */
@ExtendWith(SecurityStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrganizationThroughTheStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SecurityStack stack;
    private Path endpoints;

    @BeforeAll
    void stack(SecurityStack stack, @TempDir Path shared) {
        this.stack = stack;
        this.endpoints = shared.resolve("endpoints.properties");
        stack.environment().writeEndpoints(endpoints);
    }

    @Test
    void fiftyMembersConnectEachWithItsOwnIntegrationLinkedToTheOrganization() throws Exception {
        String organizationId = newOrganizationId();
        IntegrationRequestPublisher.Published organization = stack.requestOrganization(
                SecurityStack.newTenant("org-50"), organizationId);

        JsonNode launched = launchStackSet(organization, organizationId, "--accounts", "50");

        List<JsonNode> members = list(launched.path("members"));
        assertThat(members).hasSize(50).allSatisfy(m -> {
            assertThat(m.path("status").asText()).as(m.toString()).isEqualTo("SUCCESS");
            assertThat(m.path("physicalResourceId").asText())
                    .isEqualTo(organization.integrationId() + "-" + m.path("accountId").asText());
        });
        JsonNode state = awaitSummary(organization.integrationId(), 50, 0);
        assertThat(state.path("status").asText()).as("it keeps accepting members").isEqualTo("PENDING");
        assertThat(state.path("kind").asText()).isEqualTo("ORGANIZATION");
        assertThat(list(state.path("members"))).extracting(m -> m.path("accountId").asText())
                .containsExactlyInAnyOrderElementsOf(members.stream().map(m -> m.path("accountId").asText()).toList());
        JsonNode member = stack.awaitStatus(members.get(7).path("physicalResourceId").asText(), "CONNECTED");
        assertThat(member.path("organizationIntegrationId").asText()).isEqualTo(organization.integrationId());
        assertThat(member.path("accountId").asText()).isEqualTo(members.get(7).path("accountId").asText());
        String account = members.get(7).path("accountId").asText();
        assertThat(stack.sts().organizations().describeOrganizationCalls(account))
                .as("the organization was checked with the member's role").isPositive();
    }

    @Test
    void aMemberTheTenantAlreadyConnectedIsAnsweredSuccessLinkedToItsIntegrationAndItsDeleteLeavesThatAlone()
            throws Exception {
        String tenant = SecurityStack.newTenant("org-dedupe");
        String account = SecurityStack.newAccount();
        IntegrationRequestPublisher.Published alone = stack.request(tenant, Optional.empty());
        stack.connect(alone, account);
        String organizationId = newOrganizationId();
        IntegrationRequestPublisher.Published organization = stack.requestOrganization(tenant, organizationId);

        JsonNode launched = launchStackSet(organization, organizationId, "--account", account);

        JsonNode answer = launched.path("members").get(0);
        assertThat(answer.path("status").asText()).as(answer.toString()).isEqualTo("SUCCESS");
        assertThat(answer.path("data").toString()).contains(alone.integrationId());
        JsonNode state = awaitSummary(organization.integrationId(), 1, 0);
        assertThat(state.path("members").get(0).path("integrationId").asText()).isEqualTo(alone.integrationId());

        JsonNode removed = launchStackSet(organization, organizationId, "--remove-account", account);

        assertThat(removed.path("members").get(0).path("status").asText()).isEqualTo("SUCCESS");
        awaitSummary(organization.integrationId(), 0, 0);
        assertThat(stack.integration(alone.integrationId()).orElseThrow().path("status").asText())
                .as("the integration the tenant connected alone").isEqualTo("CONNECTED");
    }

    @Test
    void aMemberOfAnotherOrganizationIsAnsweredFailed() throws Exception {
        String organizationId = newOrganizationId();
        IntegrationRequestPublisher.Published organization = stack.requestOrganization(
                SecurityStack.newTenant("org-other"), organizationId);

        JsonNode launched = launchStackSet(organization, newOrganizationId(), "--accounts", "1");

        JsonNode answer = launched.path("members").get(0);
        assertThat(answer.path("status").asText()).as(answer.toString()).isEqualTo("FAILED");
        assertThat(answer.path("reason").asText()).startsWith("ORGANIZATION_MISMATCH");
        JsonNode state = awaitSummary(organization.integrationId(), 0, 1);
        assertThat(state.path("members").get(0).path("status").asText()).isEqualTo("FAILED");
    }

    @Test
    void aLateJoinerConnectsAndARemovedMemberIsDisconnectedAlone() throws Exception {
        String organizationId = newOrganizationId();
        IntegrationRequestPublisher.Published organization = stack.requestOrganization(
                SecurityStack.newTenant("org-late"), organizationId);
        List<JsonNode> first = list(launchStackSet(organization, organizationId, "--accounts", "2").path("members"));
        awaitSummary(organization.integrationId(), 2, 0);

        JsonNode late = launchStackSet(organization, organizationId, "--accounts", "1").path("members").get(0);

        assertThat(late.path("status").asText()).as(late.toString()).isEqualTo("SUCCESS");
        awaitSummary(organization.integrationId(), 3, 0);

        String leaving = first.get(0).path("accountId").asText();
        JsonNode removed = launchStackSet(organization, organizationId, "--remove-account", leaving)
                .path("members").get(0);

        assertThat(removed.path("status").asText()).as(removed.toString()).isEqualTo("SUCCESS");
        JsonNode state = awaitSummary(organization.integrationId(), 2, 0);
        Map<String, String> statuses = new HashMap<>();
        state.path("members").forEach(m -> statuses.put(m.path("accountId").asText(), m.path("status").asText()));
        assertThat(statuses).containsEntry(leaving, "DISCONNECTED")
                .containsEntry(first.get(1).path("accountId").asText(), "CONNECTED")
                .containsEntry(late.path("accountId").asText(), "CONNECTED");
        stack.awaitStatus(first.get(0).path("physicalResourceId").asText(), "DISCONNECTED");
    }

    @Test
    void aCancelledOrganizationTakesNoNewMemberAndKeepsItsConnectedOnes() throws Exception {
        String tenant = SecurityStack.newTenant("org-cancel");
        String organizationId = newOrganizationId();
        IntegrationRequestPublisher.Published organization = stack.requestOrganization(tenant, organizationId);
        JsonNode connected = launchStackSet(organization, organizationId, "--accounts", "1").path("members").get(0);
        awaitSummary(organization.integrationId(), 1, 0);

        stack.publishCancel(IntegrationCancelled.newBuilder()
                .setIntegrationId(organization.integrationId())
                .setTenantId(tenant)
                .setExternalId(organization.externalId())
                .setReason("the customer changed their mind")
                .setCancelledAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build());
        stack.awaitStatus(organization.integrationId(), "CANCELLED");
        JsonNode refused = launchStackSet(organization, organizationId, "--accounts", "1").path("members").get(0);

        assertThat(refused.path("status").asText()).as(refused.toString()).isEqualTo("FAILED");
        assertThat(stack.integration(connected.path("physicalResourceId").asText()).orElseThrow()
                .path("status").asText()).isEqualTo("CONNECTED");
    }

    private JsonNode launchStackSet(IntegrationRequestPublisher.Published organization, String organizationId,
            String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("simulate", "launch-stackset", "--endpoints-file",
                endpoints.toString(), "--external-id", organization.externalId(), "--organization-id", organizationId,
                "--region", SecurityStack.REGION, "--role-name", organization.roleName(), "--wait", "--timeout",
                String.valueOf(SecurityStack.PATIENCE.toSeconds()), "--json"));
        args.addAll(List.of(more));
        CommandRun run = CommandRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        return JSON.readTree(run.out());
    }

    /** Waits until the organization's summary shows {@code connected} and {@code failed} members, none pending. */
    private JsonNode awaitSummary(String organizationIntegrationId, int connected, int failed) {
        return org.awaitility.Awaitility.await("organization " + organizationIntegrationId + " with " + connected
                        + " connected and " + failed + " failed").atMost(SecurityStack.PATIENCE)
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> stack.integration(organizationIntegrationId).orElse(null), state -> state != null
                        && state.path("memberSummary").path("connected").asInt() == connected
                        && state.path("memberSummary").path("failed").asInt() == failed
                        && state.path("memberSummary").path("pending").asInt() == 0);
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static String newOrganizationId() {
        return "o-" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36)
                .toLowerCase(java.util.Locale.ROOT).concat("0000000000").substring(0, 10);
    }
}
