package dev.onboarding.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onboarding.cli.IntegrationRequestPublisher;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Forged lifecycle events, end to end. A Delete that carries a victim's external ID and integration id (its
 * PhysicalResourceId) but comes from another stack is answered SUCCESS (a Delete must never hang a stack) and
 * disconnects nothing, while the victim's own Delete still does. A leaked external ID used from another account
 * fails when the request named the expected account, even though that account's role trusts the leaked ID.
 */
@ExtendWith(SecurityStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityForgedLifecycleTest {
    private SecurityStack stack;

    @BeforeAll
    void stack(SecurityStack stack) {
        this.stack = stack;
    }

    @Test
    void aDeleteFromAnotherStackDisconnectsNothing() {
        String victimAccount = SecurityStack.newAccount();
        IntegrationRequestPublisher.Published victim = stack.request(SecurityStack.newTenant("victim"),
                Optional.empty());
        SimulatedCloudFormation.Launched connected = stack.connect(victim, victimAccount);
        JsonNode before = stack.awaitStatus(victim.integrationId(), "CONNECTED");
        String physicalId = before.path("physicalResourceId").asText();
        assertThat(physicalId).isEqualTo(victim.integrationId());

        // Everything the victim's own Delete would carry, except the stack: the attacker's, in its own account...
        SecurityForgedRequest.Sent fromAnotherAccount = stack.forge(StackLaunch.Type.Delete, victim.externalId(),
                SecurityStack.newAccount()).roleName(victim.roleName()).physicalId(physicalId).send();
        // ...and another stack in the victim's account.
        SecurityForgedRequest.Sent fromAnotherStack = stack.forge(StackLaunch.Type.Delete, victim.externalId(),
                victimAccount).roleName(victim.roleName()).physicalId(physicalId).send();

        for (SecurityForgedRequest.Sent forged : List.of(fromAnotherAccount, fromAnotherStack)) {
            CloudFormationAnswer answer = stack.awaitAnswer(forged.requestId());
            assertThat(answer.status()).as("a Delete is never left hanging").isEqualTo("SUCCESS");
            assertThat(answer.data().size()).as("the answer names nothing of the victim's").isZero();
        }
        JsonNode after = stack.integration(victim.integrationId()).orElseThrow();
        assertThat(after.path("status").asText()).isEqualTo("CONNECTED");
        assertThat(after.path("stackId").asText()).isEqualTo(connected.stackId());
        assertThat(after.path("lastRequestId").asText()).isEqualTo(connected.requestId());
        assertThat(after.path("version").asLong()).isEqualTo(before.path("version").asLong());

        // The control: the victim's own Delete (same fields, its own stack) does disconnect.
        SimulatedCloudFormation.Launched own = stack.cloudFormation().launch(StackLaunch.delete(victim.externalId(),
                victimAccount, SecurityStack.REGION, victim.roleName(), connected.stackId(), Optional.of(physicalId)));
        assertThat(stack.awaitAnswer(own.requestId()).status()).isEqualTo("SUCCESS");
        stack.awaitStatus(victim.integrationId(), "DISCONNECTED");
    }

    @Test
    void aLeakedExternalIdUsedFromAnotherAccountFailsWhenTheRequestNamedTheAccount() {
        String expectedAccount = SecurityStack.newAccount();
        String attackerAccount = SecurityStack.newAccount();
        IntegrationRequestPublisher.Published leaked = stack.request(SecurityStack.newTenant("leaky"),
                Optional.of(expectedAccount));

        // The attacker owns its account, so its role trusts the leaked ID: AssumeRole would succeed there.
        SimulatedCloudFormation.Launched attack = stack.cloudFormation().launch(StackLaunch.create(
                leaked.externalId(), attackerAccount, SecurityStack.REGION, leaked.roleName()));
        CloudFormationAnswer answer = stack.awaitAnswer(attack.requestId());

        assertThat(answer.status()).isEqualTo("FAILED");
        assertThat(answer.reason()).contains("AWS account " + attackerAccount + " is not the account");
        // Ownership first: the account is not the integration's, so the role is never even tried.
        assertThat(stack.sts().calls()).noneSatisfy(call -> assertThat(call.roleArn())
                .isEqualTo("arn:aws:iam::" + attackerAccount + ":role/" + leaked.roleName()));
        JsonNode pending = stack.awaitStatus(leaked.integrationId(), "PENDING");
        assertThat(pending.path("accountId").isNull() || pending.path("accountId").isMissingNode()).isTrue();

        // The customer's own account still connects afterwards.
        stack.connect(leaked, expectedAccount);
        assertThat(stack.integration(leaked.integrationId()).orElseThrow().path("accountId").asText())
                .isEqualTo(expectedAccount);
    }
}
