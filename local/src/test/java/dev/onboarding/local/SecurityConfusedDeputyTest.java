package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onboarding.cli.IntegrationRequestPublisher;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.IntegrationCancelled;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.embedded.StsStandIn;
import dev.onboarding.processor.ledger.PendingIntegrations;
import dev.onboarding.schemas.ExternalIds;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The confused deputy, end to end: tenant A has connected its account; tenant B (who can publish anything to the
 * provider's topic) tries to get A's account into its own workspace. It cannot connect it with its own external
 * ID (A's role does not trust it: AssumeRole is denied, the stack is answered FAILED), cannot replay A's callback
 * to the same effect, and cannot register A's external ID as its own (nor reuse or cancel A's integration).
 */
@ExtendWith(SecurityStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityConfusedDeputyTest {
    private SecurityStack stack;
    private String tenantA;
    private String accountA;
    private IntegrationRequestPublisher.Published integrationA;
    private SecurityForgedRequest.Sent connectA;
    private long versionA;

    @BeforeAll
    void tenantAConnectsItsAccount(SecurityStack stack) {
        this.stack = stack;
        tenantA = SecurityStack.newTenant("tenant-a");
        accountA = SecurityStack.newAccount();
        integrationA = stack.request(tenantA, Optional.empty());
        // The customer's stack creates the role trusting A's external ID, then the custom resource calls back.
        stack.sts().trust("arn:aws:iam::" + accountA + ":role/" + integrationA.roleName(), integrationA.externalId());
        connectA = stack.forge(StackLaunch.Type.Create, integrationA.externalId(), accountA)
                .roleName(integrationA.roleName()).send();
        assertThat(stack.awaitAnswer(connectA.requestId()).status()).isEqualTo("SUCCESS");
        versionA = stack.awaitStatus(integrationA.integrationId(), "CONNECTED").path("version").asLong();
    }

    @Test
    void tenantBCannotConnectTenantAsAccountWithItsOwnExternalId() {
        String tenantB = SecurityStack.newTenant("tenant-b");
        IntegrationRequestPublisher.Published integrationB = stack.request(tenantB, Optional.empty());
        String roleArnA = "arn:aws:iam::" + accountA + ":role/" + integrationA.roleName();

        // B cannot create roles in A's account: it only sends a callback naming A's account and role with B's ID.
        SecurityForgedRequest.Sent forged = stack.forge(StackLaunch.Type.Create, integrationB.externalId(), accountA)
                .roleName(integrationA.roleName()).send();

        CloudFormationAnswer answer = stack.awaitAnswer(forged.requestId());
        assertThat(answer.status()).isEqualTo("FAILED");
        assertThat(answer.reason()).contains("could not assume the role " + roleArnA).contains("AccessDenied");
        assertThat(answer.physicalResourceId()).isEqualTo("rejected-" + forged.requestId());
        assertThat(answer.data().size()).isZero();
        // The deputy did ask STS, with B's external ID, and STS refused.
        List<StsStandIn.AssumeRoleCall> calls = stack.sts().calls().stream()
                .filter(c -> roleArnA.equals(c.roleArn()) && integrationB.externalId().equals(c.externalId()))
                .toList();
        assertThat(calls).isNotEmpty().allSatisfy(c -> assertThat(c.errorCode()).isEqualTo("AccessDenied"));

        JsonNode b = stack.awaitStatus(integrationB.integrationId(), "PENDING");
        assertThat(b.path("accountId").isNull() || b.path("accountId").isMissingNode()).as(b.toString()).isTrue();
        assertThat(b.path("lastFailureReason").asText()).contains("AccessDenied");
        assertTenantAUntouched();
        assertThat(accountsOf(tenantB)).isEmpty();
    }

    @Test
    void replayingTenantAsCallbackAttachesNothingToTenantB() {
        String tenantB = SecurityStack.newTenant("tenant-b");
        IntegrationRequestPublisher.Published integrationB = stack.request(tenantB, Optional.empty());
        int answersToA = putsTo(connectA.requestId());

        // 1. The exact message again: the decided request is answered again, identically, to A's own URL.
        stack.sendRaw(connectA.body());
        awaitPutsTo(connectA.requestId(), answersToA + 1);

        // 2. A's RequestId with B's own ResponseURL: the stored answer still goes to A's URL, never to B's.
        SecurityForgedRequest withBsUrl = stack.forge(StackLaunch.Type.Create, integrationA.externalId(), accountA)
                .roleName(integrationA.roleName()).stackId(connectA.stackId()).requestId(connectA.requestId())
                .responseUrl(stack.cloudFormation().responseUrl(SecurityStack.REGION, "arn:aws:cloudformation:"
                        + SecurityStack.REGION + ":" + SecurityStack.newAccount() + ":stack/b/" + UUID.randomUUID(),
                        UUID.randomUUID().toString()));
        String bsPath = withBsUrl.responsePath();
        withBsUrl.send();
        awaitPutsTo(connectA.requestId(), answersToA + 2);
        assertThat(stack.s3().requestsForPath(bsPath)).as("B's ResponseURL got A's answer").isEmpty();
        assertThat(stack.s3().requestsForPath(connectA.responseUrl())).extracting(r -> r.bodyAsString())
                .as("every answer to A's request is the first one").containsOnly(
                        stack.s3().requestsForPath(connectA.responseUrl()).get(0).bodyAsString());

        // 3. A fresh request with A's external ID and A's account, answered to B: FAILED, naming nothing of A's.
        SecurityForgedRequest.Sent fresh = stack.forge(StackLaunch.Type.Create, integrationA.externalId(), accountA)
                .roleName(integrationA.roleName()).send();
        CloudFormationAnswer answer = stack.awaitAnswer(fresh.requestId());
        assertThat(answer.status()).isEqualTo("FAILED");
        assertThat(answer.reason()).contains("already connected");
        assertThat(answer.physicalResourceId()).isEqualTo("rejected-" + fresh.requestId());
        assertThat(answer.data().size()).isZero();
        assertThat(stack.s3().requestsForPath(fresh.responseUrl()))
                .allSatisfy(r -> assertThat(r.bodyAsString()).doesNotContain(integrationA.integrationId()));

        assertThat(stack.awaitStatus(integrationB.integrationId(), "PENDING").path("accountId").isNull()).isTrue();
        assertThat(accountsOf(tenantB)).isEmpty();
        assertTenantAUntouched();
    }

    @Test
    void tenantBCannotRegisterTenantAsExternalIdAsItsOwnNorTakeOverItsIntegration() {
        String tenantB = SecurityStack.newTenant("tenant-b");
        String stolenId = "int-" + UUID.randomUUID();
        String dlq = stack.catalog().integrationRequestsDlq().name();

        // A's external ID under B's new integration.
        stack.publishRequest(requested(stolenId, tenantB, integrationA.externalId()));
        DeadLetter refused = stack.deadLetters().await(dlq, stolenId);
        assertThat(refused.getReasonCode()).isEqualTo(PendingIntegrations.EXTERNAL_ID_IN_USE);
        assertThat(refused.getReason()).doesNotContain(integrationA.externalId());
        assertThat(stack.integration(stolenId)).as("B's integration must not exist").isEmpty();

        // A's integration id with an external ID of B's, and a cancel of A's integration in B's name.
        stack.publishRequest(requested(integrationA.integrationId(), tenantB, new ExternalIds().mint()));
        stack.publishCancel(IntegrationCancelled.newBuilder()
                .setIntegrationId(integrationA.integrationId())
                .setTenantId(tenantB)
                .setExternalId(integrationA.externalId())
                .setReason("not mine to cancel")
                .setCancelledAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build());
        List<DeadLetter> refusedForA = stack.deadLetters().awaitCount(dlq, integrationA.integrationId(), 2);
        assertThat(refusedForA).extracting(DeadLetter::getReasonCode).containsExactlyInAnyOrder(
                PendingIntegrations.INTEGRATION_ID_IN_USE, PendingIntegrations.NOT_THE_OWNER);

        assertThat(stack.tenantIntegrations(tenantB)).isEmpty();
        assertTenantAUntouched();
    }

    private static IntegrationRequested requested(String integrationId, String tenant, String externalId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return IntegrationRequested.newBuilder()
                .setIntegrationId(integrationId)
                .setTenantId(tenant)
                .setExternalId(externalId)
                .setRoleName(SecurityStack.ROLE_NAME)
                .setName("not mine")
                .setDescription(null)
                .setTags(Map.of())
                .setExpectedAccountId(null)
                .setRequestedAt(now)
                .setExpiresAt(now.plus(1, ChronoUnit.HOURS))
                .build();
    }

    private void assertTenantAUntouched() {
        JsonNode a = stack.integration(integrationA.integrationId()).orElseThrow();
        assertThat(a.path("status").asText()).isEqualTo("CONNECTED");
        assertThat(a.path("tenantId").asText()).isEqualTo(tenantA);
        assertThat(a.path("accountId").asText()).isEqualTo(accountA);
        assertThat(a.path("stackId").asText()).isEqualTo(connectA.stackId());
        assertThat(a.path("lastRequestId").asText()).isEqualTo(connectA.requestId());
        assertThat(a.path("version").asLong()).as("A's integration changed").isEqualTo(versionA);
    }

    private List<String> accountsOf(String tenant) {
        return stack.tenantIntegrations(tenant).stream().map(i -> i.path("accountId"))
                .filter(n -> !n.isNull() && !n.isMissingNode()).map(JsonNode::asText).toList();
    }

    private int putsTo(String requestId) {
        return (int) stack.s3().requests().stream()
                .filter(r -> "PUT".equals(r.method()) && decodedPath(r.path()).endsWith("|" + requestId))
                .count();
    }

    private void awaitPutsTo(String requestId, int count) {
        await("answer " + count + " to " + requestId).atMost(SecurityStack.PATIENCE)
                .pollInterval(Duration.ofMillis(100)).until(() -> putsTo(requestId) >= count);
    }

    private static String decodedPath(String rawPath) {
        return URLDecoder.decode(rawPath, StandardCharsets.UTF_8);
    }
}
