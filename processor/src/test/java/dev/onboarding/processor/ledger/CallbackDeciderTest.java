package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TestData.ACCOUNT;
import static dev.onboarding.processor.TestData.OTHER_ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.processor.TestData;
import dev.onboarding.processor.claims.ClaimCommand;
import dev.onboarding.processor.claims.ClaimOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The callback rules without Kafka. */
class CallbackDeciderTest {
    private static final Instant NOW = Instant.parse("2030-03-01T12:00:00Z");

    private final CallbackDecider decider = new CallbackDecider();
    private final PendingIntegrations pending = new PendingIntegrations();
    private final String ext = TestData.externalId();

    private Integration pendingIntegration() {
        var changed = (PendingIntegrations.Changed) pending.request(
                (dev.onboarding.contract.IntegrationRequested) TestData.requested("int-1", "tenant-a", ext,
                        NOW.minus(Duration.ofHours(1)), Duration.ofHours(2)).getEvent(), Optional.empty(), NOW);
        return changed.newState();
    }

    private Integration connected(String account, String stack) {
        return connectedBy(TestData.create(ext, "req-c", account, stack, NOW).build());
    }

    private Integration connectedBy(CfnCallback create) {
        ClaimCommand claim = ClaimCommand.claim("tenant-a", create.getAccountId(), "int-1", ext, "req-c");
        return decider.finishClaim(create, Optional.of(pendingIntegration()), new ClaimOutcome(true, claim, "int-1"),
                NOW).newState().orElseThrow();
    }

    private CfnCallback create(String requestId) {
        return TestData.create(ext, requestId, ACCOUNT, "s", NOW).build();
    }

    /**
     * Decides like the ledger does: a callback to verify is decided again with the verifier's outcome, which these
     * tests set in the callback's own field (the decider never reads that field itself).
     */
    private CallbackDecision decided(CfnCallback callback, Optional<Integration> current, boolean mayHold,
            Instant now) {
        CallbackDecision first = decider.decide(callback, current, mayHold, now);
        return first instanceof CallbackDecision.Verify
                ? decider.decideVerified(callback, current, callback.getRoleVerification(), now) : first;
    }

    private static CallbackDecision.Answer answer(CallbackDecision decision) {
        assertThat(decision).isInstanceOf(CallbackDecision.Answer.class);
        return (CallbackDecision.Answer) decision;
    }

    @Test
    void aCreateThatPassesEveryCheckClaimsTheAccountForTheTenant() {
        CallbackDecision decision = decided(create("req-1"), Optional.of(pendingIntegration()), true, NOW);
        assertThat(decision).isEqualTo(new CallbackDecision.Claim(
                ClaimCommand.claim("tenant-a", ACCOUNT, "int-1", ext, "req-1")));
    }

    @Test
    void ownershipFirstThenTheVerifierWhateverTheCallbackSaysOfItsRole() {
        Integration integration = pendingIntegration();
        CfnCallback claimsVerified = create("req-1"); // the bridge's field says VERIFIED: it is not read
        assertThat(decider.decide(claimsVerified, Optional.of(integration), true, NOW))
                .isEqualTo(new CallbackDecision.Verify(integration));
        // No integration: no verification (no STS call for a forged callback).
        assertThat(decider.decide(claimsVerified, Optional.empty(), false, NOW))
                .isInstanceOf(CallbackDecision.Answer.class);
        // The wrong account of an integration that expects one: no verification either.
        assertThat(decider.decide(TestData.create(ext, "req-2", "12", "s", NOW).build(), Optional.of(integration),
                true, NOW)).isInstanceOf(CallbackDecision.Answer.class);
    }

    @Test
    void aCreateNamingAnotherRoleThanTheIntegrationsFailsBeforeAnyVerification() {
        CfnCallback renamed = TestData.create(ext, "req-1", ACCOUNT, "s", NOW).setRoleName("AttackersRole")
                .setRoleArn(TestData.roleArn(ACCOUNT, "AttackersRole")).build();
        CallbackDecision.Answer answer = answer(decider.decide(renamed, Optional.of(pendingIntegration()), true, NOW));
        assertThat(answer.response().getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(answer.response().getReason()).startsWith(CallbackDecider.ROLE_NAME_MISMATCH)
                .contains("AttackersRole").contains(TestData.ROLE);
        assertThat(answer.newState()).get().extracting(Integration::getStatus).isEqualTo(IntegrationStatus.PENDING);
    }

    @Test
    void aRoleThatDoesNotRequireTheExternalIdFailsTheCreateSayingWhatToFix() {
        CfnCallback open = TestData.create(ext, "req-1", ACCOUNT, "s", NOW).build();
        RoleVerification trustsAnyone = RoleVerification.newBuilder()
                .setOutcome(RoleVerificationOutcome.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID)
                .setErrorCode("AssumedWithoutExternalId").setAttempts(2).build();
        CallbackDecision.Answer answer = answer(decider.decideVerified(open, Optional.of(pendingIntegration()),
                trustsAnyone, NOW));
        assertThat(answer.response().getReason()).startsWith(CallbackDecider.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID)
                .contains(open.getRoleArn()).contains("sts:ExternalId");
        assertThat(answer.response().getReason().length()).isLessThanOrEqualTo(CallbackAnswers.MAX_REASON_LENGTH);
        assertThat(answer.newState()).get().extracting(Integration::getStatus).isEqualTo(IntegrationStatus.PENDING);
    }

    @Test
    void onlyAnUnknownValidExternalIdIsHeld() {
        assertThat(decided(create("req-1"), Optional.empty(), true, NOW))
                .isInstanceOf(CallbackDecision.Hold.class);
        CallbackDecision.Answer afterGrace = answer(decided(create("req-1"), Optional.empty(), false, NOW));
        assertThat(afterGrace.response().getReason()).isEqualTo(CallbackDecider.UNKNOWN_EXTERNAL_ID);
        CfnCallback invalid = TestData.create("has spaces", "req-2", ACCOUNT, "s", NOW).build();
        assertThat(answer(decided(invalid, Optional.empty(), true, NOW)).response().getStatus())
                .isEqualTo(ResponseStatus.FAILED);
    }

    @Test
    void aCreateAfterExpiryButBeforeTheSweepExpiresTheIntegration() {
        Integration integration = pendingIntegration();
        Instant late = integration.getExpiresAt().plusSeconds(1);
        CallbackDecision.Answer answer = answer(decided(create("req-1"), Optional.of(integration), true, late));
        assertThat(answer.response().getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(answer.response().getReason()).contains("expired");
        assertThat(answer.newState()).get().extracting(Integration::getStatus).isEqualTo(IntegrationStatus.EXPIRED);
    }

    @Test
    void aRoleThatWasNotVerifiedFailsTheCreate() {
        CfnCallback unchecked = TestData.create(ext, "req-1", ACCOUNT, "s", NOW).setRoleVerification(
                RoleVerification.newBuilder().setOutcome(RoleVerificationOutcome.NOT_REQUIRED).build()).build();
        CallbackDecision.Answer answer = answer(decided(unchecked, Optional.of(pendingIntegration()), true,
                NOW));
        assertThat(answer.response().getReason()).contains("was not verified");
        assertThat(answer.newState()).get().extracting(Integration::getStatus).isEqualTo(IntegrationStatus.PENDING);

        CfnCallback error = TestData.create(ext, "req-2", ACCOUNT, "s", NOW).setRoleVerification(
                RoleVerification.newBuilder().setOutcome(RoleVerificationOutcome.ERROR).setErrorCode("Throttling")
                        .build()).build();
        assertThat(answer(decided(error, Optional.of(pendingIntegration()), true, NOW)).response().getReason())
                .contains(TestData.roleArn(ACCOUNT, TestData.ROLE)).contains("Throttling");
    }

    @Test
    void aMalformedAccountIdFails() {
        CfnCallback odd = TestData.create(ext, "req-1", "12", "s", NOW).build();
        assertThat(answer(decided(odd, Optional.of(pendingIntegration()), true, NOW)).response().getReason())
                .contains("malformed");
    }

    @Test
    void anUnknownRequestTypeFails() {
        CfnCallback unknown = TestData.create(ext, "req-1", ACCOUNT, "s", NOW).setRequestType(RequestType.UNKNOWN)
                .build();
        CallbackDecision.Answer answer = answer(decided(unknown, Optional.of(pendingIntegration()), true, NOW));
        assertThat(answer.response().getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(answer.response().getPhysicalResourceId()).isEqualTo("rejected-req-1");
    }

    @Test
    void aDeniedClaimFailsAndKeepsTheIntegrationPending() {
        ClaimCommand claim = ClaimCommand.claim("tenant-a", ACCOUNT, "int-1", ext, "req-1");
        CallbackDecision.Answer answer = decider.finishClaim(create("req-1"), Optional.of(pendingIntegration()),
                new ClaimOutcome(false, claim, "int-other"), NOW);
        assertThat(answer.response().getReason()).isEqualTo(CallbackDecider.accountAlreadyConnected(ACCOUNT));
        assertThat(answer.newState()).get().satisfies(i -> {
            assertThat(i.getStatus()).isEqualTo(IntegrationStatus.PENDING);
            assertThat(i.getLastRequestId()).isEqualTo("req-1");
        });
        assertThat(answer.release()).isEmpty();
    }

    @Test
    void aGrantedClaimForAnIntegrationThatMovedOnIsGivenBack() {
        ClaimCommand claim = ClaimCommand.claim("tenant-a", ACCOUNT, "int-1", ext, "req-1");
        Integration cancelled = Integration.newBuilder(pendingIntegration()).setStatus(IntegrationStatus.CANCELLED)
                .build();
        CallbackDecision.Answer answer = decider.finishClaim(create("req-1"), Optional.of(cancelled),
                new ClaimOutcome(true, claim, "int-1"), NOW);
        assertThat(answer.response().getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(answer.response().getReason()).contains("cancelled");
        assertThat(answer.release()).contains(ClaimCommand.release("tenant-a", ACCOUNT, "int-1", ext));

        CallbackDecision.Answer orphan = decider.finishClaim(create("req-1"), Optional.empty(),
                new ClaimOutcome(true, claim, "int-1"), NOW);
        assertThat(orphan.release()).isPresent();
    }

    @Test
    void aSecondStackOfTheSameAccountKeepsTheClaimTheConnectedStackUses() {
        Integration connected = connected(ACCOUNT, "first");
        ClaimCommand sameAccount = ClaimCommand.claim("tenant-a", ACCOUNT, "int-1", ext, "req-2");
        CallbackDecision.Answer same = decider.finishClaim(TestData.create(ext, "req-2", ACCOUNT, "second", NOW)
                .build(), Optional.of(connected), new ClaimOutcome(true, sameAccount, "int-1"), NOW);
        assertThat(same.response().getReason()).contains("already connected to another stack");
        assertThat(same.release()).isEmpty();

        ClaimCommand otherAccount = ClaimCommand.claim("tenant-a", OTHER_ACCOUNT, "int-1", ext, "req-3");
        CallbackDecision.Answer other = decider.finishClaim(TestData.create(ext, "req-3", OTHER_ACCOUNT, "x", NOW)
                .build(), Optional.of(connected), new ClaimOutcome(true, otherAccount, "int-1"), NOW);
        assertThat(other.release()).contains(ClaimCommand.release("tenant-a", OTHER_ACCOUNT, "int-1", ext));
    }

    @Test
    void theConnectedStacksDeleteReleasesTheIntegrationsAccount() {
        Integration connected = connected(ACCOUNT, "first");
        CallbackDecision.Answer answer = answer(decided(TestData.delete(ext, "req-d", ACCOUNT, "first",
                "int-1", NOW).build(), Optional.of(connected), true, NOW));
        assertThat(answer.response().getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(answer.newState()).get().extracting(Integration::getStatus)
                .isEqualTo(IntegrationStatus.DISCONNECTED);
        assertThat(answer.release()).contains(ClaimCommand.release("tenant-a", ACCOUNT, "int-1", ext));
    }

    @Test
    void aDeleteOfAPendingIntegrationChangesNothing() {
        CallbackDecision.Answer answer = answer(decided(TestData.delete(ext, "req-d", ACCOUNT, "s",
                "int-1", NOW).build(), Optional.of(pendingIntegration()), true, NOW));
        assertThat(answer.response().getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(answer.newState()).isEmpty();
        assertThat(answer.release()).isEmpty();
    }

    @Test
    void aConnectionRecordsTheTemplateVersionOfTheStack() {
        assertThat(connectedWithTemplate("1.0.0").getTemplateVersion()).isEqualTo("1.0.0");
        assertThat(connected(ACCOUNT, "first").getTemplateVersion()).as("a template before versions").isNull();
    }

    @Test
    void anUpdateFromANewerTemplateMovesTheVersionOn() {
        Integration connected = connectedWithTemplate("1.0.0");
        CallbackDecision.Answer answer = answer(decided(TestData.update(ext, "req-u", ACCOUNT, "first",
                "int-1", NOW).setTemplateVersion("1.10.0").build(), Optional.of(connected), true, NOW));

        assertThat(answer.response().getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(answer.response().getPhysicalResourceId()).isEqualTo("int-1");
        assertThat(answer.newState()).get().satisfies(i -> {
            assertThat(i.getTemplateVersion()).isEqualTo("1.10.0");
            assertThat(i.getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
            assertThat(i.getRoleArn()).isEqualTo(connected.getRoleArn());
            assertThat(i.getLastRequestId()).isEqualTo("req-u");
            assertThat(i.getVersion()).isEqualTo(connected.getVersion() + 1);
        });
        assertThat(answer.release()).isEmpty();

        Integration unversioned = connected(ACCOUNT, "first");
        assertThat(answer(decided(TestData.update(ext, "req-v", ACCOUNT, "first", "int-1", NOW)
                .setTemplateVersion("1.1.0").build(), Optional.of(unversioned), true, NOW)).newState())
                .get().extracting(Integration::getTemplateVersion).isEqualTo("1.1.0");
    }

    @Test
    void anUpdateFromAnOlderEqualOrUnversionedTemplateKeepsTheVersion() {
        Integration connected = connectedWithTemplate("1.2.0");
        for (String version : new String[] {"1.1.9", "1.2.0", "1.2", null}) {
            CallbackDecision.Answer answer = answer(decided(TestData.update(ext, "req-u", ACCOUNT, "first",
                    "int-1", NOW).setTemplateVersion(version).build(), Optional.of(connected), true, NOW));
            assertThat(answer.response().getStatus()).as(version).isEqualTo(ResponseStatus.SUCCESS);
            assertThat(answer.newState()).as(version).isEmpty();
        }
    }

    @Test
    void aNewerTemplateFromAnotherStackMovesNothing() {
        Integration connected = connectedWithTemplate("1.0.0");
        CallbackDecision.Answer answer = answer(decided(TestData.update(ext, "req-u", ACCOUNT, "intruder",
                "int-1", NOW).setTemplateVersion("9.0.0").build(), Optional.of(connected), true, NOW));
        assertThat(answer.response().getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(answer.newState()).isEmpty();
    }

    @Test
    void aNewRoleAndANewerTemplateChangeTogether() {
        Integration connected = connectedWithTemplate("1.0.0");
        CfnCallback update = TestData.update(ext, "req-u", ACCOUNT, "first", "int-1", NOW).setRoleName("Renamed")
                .setRoleArn(TestData.roleArn(ACCOUNT, "Renamed")).setTemplateVersion("1.1.0").build();
        assertThat(answer(decided(update, Optional.of(connected), true, NOW)).newState()).get()
                .satisfies(i -> {
                    assertThat(i.getRoleArn()).isEqualTo(TestData.roleArn(ACCOUNT, "Renamed"));
                    assertThat(i.getTemplateVersion()).isEqualTo("1.1.0");
                });

        CfnCallback denied = CfnCallback.newBuilder(update).setRoleVerification(TestData.denied()).build();
        CallbackDecision.Answer failed = answer(decided(denied, Optional.of(connected), true, NOW));
        assertThat(failed.response().getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(failed.newState()).get().extracting(Integration::getTemplateVersion)
                .as("a failed Update is rolled back: the stack stays on its template").isEqualTo("1.0.0");
    }

    private Integration connectedWithTemplate(String version) {
        return connectedBy(TestData.create(ext, "req-c", ACCOUNT, "first", NOW).setTemplateVersion(version).build());
    }

    @Test
    void reasonsAreCutTo256Characters() {
        CfnCallback longRole = TestData.create(ext, "req-1", ACCOUNT, "s", NOW).setRoleVerification(TestData.denied())
                .setRoleArn("arn:aws:iam::" + ACCOUNT + ":role/" + "r".repeat(300)).build();
        String reason = answer(decided(longRole, Optional.of(pendingIntegration()), true, NOW)).response()
                .getReason();
        assertThat(reason).hasSize(CallbackAnswers.MAX_REASON_LENGTH);
    }
}
