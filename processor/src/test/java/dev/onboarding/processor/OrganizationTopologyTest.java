package dev.onboarding.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationKind;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.OrganizationMember;
import dev.onboarding.contract.OrganizationMemberStatus;
import dev.onboarding.contract.ResponseStatus;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.contract.RoleVerificationRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An ORGANIZATION integration on the processor topology: one external ID, many member accounts, each with its own
 * integration; dedupe per tenant; removal; a late joiner; another organization's account; cancel; the per-member
 * verification limit.
 */
class OrganizationTopologyTest {
    private static final String ORG = "o-a1b2c3d4e5";
    private static final String TENANT = "tenant-a";

    private TopologyFixture fx;
    private String ext;

    @BeforeEach
    void start() {
        startWith(new TopologyFixture());
    }

    private void startWith(TopologyFixture fixture) {
        fx = fixture;
        ext = TestData.externalId();
        IntegrationRequested single = (IntegrationRequested) TestData.requested("org-1", TENANT, ext, fx.now(),
                Duration.ofHours(24)).getEvent();
        fx.request(new IntegrationRequestEvent(IntegrationRequested.newBuilder(single)
                .setKind(IntegrationKind.ORGANIZATION).setExpectedOrganizationId(ORG)
                .setOrganizationalUnitIds(List.of("ou-ab12-34cd56ef")).build()));
        Integration organization = fx.integrations.readValue();
        assertThat(organization.getKind()).isEqualTo(IntegrationKind.ORGANIZATION);
        assertThat(organization.getStatus()).isEqualTo(IntegrationStatus.PENDING);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private static String account(int i) {
        return String.format("%012d", 100_000_000_000L + i);
    }

    private CfnCallback memberCreate(String account) {
        return TestData.create(ext, "req-" + account, account, "StackSet-onboarding-" + account, fx.now()).build();
    }

    /** The latest state published for each integration id. */
    private Map<String, Integration> latestStates() {
        Map<String, Integration> latest = new LinkedHashMap<>();
        fx.allStates().forEach(s -> latest.put(s.getIntegrationId(), s));
        return latest;
    }

    @Test
    void fiftyMembersConnectEachWithItsOwnIntegrationLinkedToTheOrganization() {
        for (int i = 0; i < 50; i++) {
            fx.callback(memberCreate(account(i)));
        }

        List<CfnResponse> answers = fx.allResponses();
        assertThat(answers).hasSize(50).allSatisfy(a -> assertThat(a.getStatus()).isEqualTo(ResponseStatus.SUCCESS));
        assertThat(answers).extracting(CfnResponse::getPhysicalResourceId).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).startsWith("org-1-"));
        assertThat(fx.asked).hasSize(50).allSatisfy(r -> {
            assertThat(r.getExpectedOrganizationId()).isEqualTo(ORG);
            assertThat(r.getIntegrationId()).isEqualTo("org-1-" + r.getAccountId());
        });
        Map<String, Integration> latest = latestStates();
        for (int i = 0; i < 50; i++) {
            Integration member = latest.get("org-1-" + account(i));
            assertThat(member.getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
            assertThat(member.getAccountId()).isEqualTo(account(i));
            assertThat(member.getOrganizationIntegrationId()).isEqualTo("org-1");
            assertThat(member.getPhysicalResourceId()).isEqualTo("org-1-" + account(i));
        }
        Integration organization = latest.get("org-1");
        assertThat(organization.getStatus()).isEqualTo(IntegrationStatus.PENDING);
        assertThat(organization.getMembers()).hasSize(50)
                .allSatisfy(m -> assertThat(m.getStatus()).isEqualTo(OrganizationMemberStatus.CONNECTED));
        assertThat(organization.getMemberSummary().getConnected()).isEqualTo(50);
        assertThat(organization.getMemberSummary().getPending()).isZero();
        assertThat(organization.getMemberSummary().getFailed()).isZero();

        // Redelivered: the identical answer again, nothing changes.
        fx.callback(memberCreate(account(7)));
        assertThat(fx.allResponses()).singleElement().isEqualTo(answers.get(7));
        assertThat(fx.allStates()).isEmpty();
    }

    @Test
    void aMemberTheTenantAlreadyConnectedIsAnsweredSuccessLinkedAndItsDeleteLeavesThatIntegrationAlone() {
        String single = TestData.externalId();
        fx.pending("int-alone", TENANT, single);
        fx.callback(TestData.create(single, "req-alone", account(1), "alone", fx.now()).build());
        assertThat(fx.allResponses()).singleElement().extracting(CfnResponse::getStatus)
                .isEqualTo(ResponseStatus.SUCCESS);
        fx.allStates();

        CfnResponse linked = fx.answer(memberCreate(account(1)));

        assertThat(linked.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(linked.getPhysicalResourceId()).isEqualTo("org-1-" + account(1));
        assertThat(linked.getData()).containsEntry("IntegrationId", "int-alone");
        Integration organization = latestStates().get("org-1");
        assertThat(organization.getMembers()).extracting(OrganizationMember::getAccountId,
                OrganizationMember::getIntegrationId, OrganizationMember::getStatus)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(account(1), "int-alone",
                        OrganizationMemberStatus.CONNECTED));

        CfnResponse deleted = fx.answer(TestData.delete(ext, "req-del", account(1),
                "StackSet-onboarding-" + account(1), "org-1-" + account(1), fx.now()).build());
        assertThat(deleted.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        Map<String, Integration> latest = latestStates();
        assertThat(latest).doesNotContainKey("int-alone");
        assertThat(fx.integrationByExternalId(single).getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
        assertThat(latest.get("org-1").getMembers()).singleElement().extracting(OrganizationMember::getStatus)
                .isEqualTo(OrganizationMemberStatus.DISCONNECTED);
    }

    @Test
    void aMemberOfAnotherOrganizationFailsAndIsListedFailed() {
        CfnCallback stranger = TestData.create(ext, "req-x", account(9), "elsewhere", fx.now())
                .setRoleVerification(RoleVerification.newBuilder()
                        .setOutcome(RoleVerificationOutcome.ORGANIZATION_MISMATCH).setAttempts(1).build())
                .build();

        CfnResponse answer = fx.answer(stranger);

        assertThat(answer.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(answer.getReason()).startsWith("ORGANIZATION_MISMATCH");
        Map<String, Integration> latest = latestStates();
        assertThat(latest.get("org-1-" + account(9)).getStatus()).isEqualTo(IntegrationStatus.PENDING);
        assertThat(latest.get("org-1").getMembers()).singleElement()
                .satisfies(m -> assertThat(m.getStatus()).isEqualTo(OrganizationMemberStatus.FAILED));
        assertThat(latest.get("org-1").getMemberSummary().getFailed()).isEqualTo(1);
    }

    @Test
    void aLateJoinerConnectsAfterTheTtlAndARemovalDisconnectsThatMemberOnly() {
        fx.callback(memberCreate(account(1)));
        fx.callback(memberCreate(account(2)));
        fx.allResponses();
        fx.allStates();

        fx.advance(Duration.ofDays(3));
        CfnResponse late = fx.answer(memberCreate(account(3)));
        assertThat(late.getStatus()).isEqualTo(ResponseStatus.SUCCESS);

        CfnResponse removed = fx.answer(TestData.delete(ext, "req-rm", account(2), "StackSet-onboarding-"
                + account(2), "org-1-" + account(2), fx.now()).build());
        assertThat(removed.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        Map<String, Integration> latest = latestStates();
        assertThat(latest.get("org-1-" + account(3)).getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
        assertThat(latest.get("org-1-" + account(2)).getStatus()).isEqualTo(IntegrationStatus.DISCONNECTED);
        assertThat(fx.integrationByExternalId(ext).getMemberSummary().getConnected()).isEqualTo(2);
        assertThat(fx.integrationByExternalId(ext).getStatus()).isEqualTo(IntegrationStatus.PENDING);

        // The account may join again: a new stack instance connects it anew.
        CfnResponse again = fx.answer(TestData.create(ext, "req-again", account(2), "StackSet-onboarding-2b",
                fx.now()).build());
        assertThat(again.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(latestStates().get("org-1-" + account(2)).getStatus()).isEqualTo(IntegrationStatus.CONNECTED);
        assertThat(fx.integrationByExternalId(ext).getMemberSummary().getConnected()).isEqualTo(3);
    }

    @Test
    void cancelStopsNewMembersAndConnectedOnesStayConnected() {
        fx.callback(memberCreate(account(1)));
        fx.allResponses();
        fx.allStates();

        fx.request(TestData.cancelled("org-1", TENANT, ext, fx.now()));
        assertThat(fx.integrations.readValue().getStatus()).isEqualTo(IntegrationStatus.CANCELLED);

        CfnResponse refused = fx.answer(memberCreate(account(2)));
        assertThat(refused.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(refused.getReason()).contains("cancelled");
        assertThat(fx.asked.stream().map(RoleVerificationRequest::getAccountId)).doesNotContain(account(2));
        assertThat(latestStates()).isEmpty();

        CfnResponse deleted = fx.answer(TestData.delete(ext, "req-del", account(1), "StackSet-onboarding-"
                + account(1), "org-1-" + account(1), fx.now()).build());
        assertThat(deleted.getStatus()).isEqualTo(ResponseStatus.SUCCESS);
        assertThat(latestStates().get("org-1-" + account(1)).getStatus()).isEqualTo(IntegrationStatus.DISCONNECTED);
    }

    @Test
    void aMemberOverItsVerificationLimitWaitsAndIsNeverFailedForIt() {
        fx.verifyByHand();
        int limit = fx.config.maxVerificationsPerIntegration();
        for (int i = 0; i <= limit; i++) {
            fx.callback(TestData.create(ext, "req-" + i, account(1), "stack-" + i, fx.now()).build());
        }
        assertThat(fx.newVerificationRequests()).hasSize(limit);
        assertThat(fx.allResponses()).isEmpty();

        // Other members are not held back by it.
        fx.callback(memberCreate(account(2)));
        assertThat(fx.newVerificationRequests()).singleElement()
                .extracting(RoleVerificationRequest::getAccountId).isEqualTo(account(2));

        for (RoleVerificationRequest request : List.copyOf(fx.asked)) {
            fx.verify(request, TestData.verified());
        }
        assertThat(fx.allResponses()).hasSize(limit + 1)
                .allSatisfy(a -> assertThat(a.getStatus()).isEqualTo(ResponseStatus.SUCCESS));
        // The one that waited is decided after the grace: its member is connected by then, so SUCCESS, linked.
        fx.advance(fx.config.callbackGrace().plusSeconds(1));
        assertThat(fx.newVerificationRequests()).isEmpty();
        assertThat(fx.allResponses()).singleElement()
                .satisfies(a -> assertThat(a.getRequestId()).isEqualTo("req-" + limit))
                .satisfies(a -> assertThat(a.getStatus()).isEqualTo(ResponseStatus.SUCCESS));
    }

    @Test
    void aMemberRefusedForTheProvidersVerificationBudgetWaitsAndIsAskedAgain() {
        fx.verifyByHand();
        fx.callback(memberCreate(account(3)));
        RoleVerificationRequest first = fx.newVerificationRequests().get(0);

        fx.verify(first, budgetSpent());

        assertThat(fx.allResponses()).as("not answered FAILED for the provider's own limit").isEmpty();
        fx.advance(fx.config.callbackGrace().plusSeconds(1));
        RoleVerificationRequest again = fx.newVerificationRequests().get(0);
        assertThat(again.getAccountId()).isEqualTo(account(3));
        assertThat(again.getRequestId()).isEqualTo(first.getRequestId());
        fx.verify(again, TestData.verified());
        assertThat(fx.allResponses()).singleElement()
                .satisfies(a -> assertThat(a.getStatus()).isEqualTo(ResponseStatus.SUCCESS))
                .satisfies(a -> assertThat(a.getPhysicalResourceId()).isEqualTo("org-1-" + account(3)));
    }

    @Test
    void aMemberStillRefusedForTheBudgetAfterTheVerificationTimeoutIsAnsweredFailed() {
        fx.verifyByHand();
        fx.callback(memberCreate(account(4)));
        fx.advance(fx.config.verificationTimeout().minusSeconds(1));
        RoleVerificationRequest request = fx.newVerificationRequests().get(0);

        fx.verify(request, budgetSpent());
        assertThat(fx.allResponses()).isEmpty();
        fx.advance(fx.config.callbackGrace().plusSeconds(1));
        fx.verify(fx.newVerificationRequests().get(0), budgetSpent());

        assertThat(fx.allResponses()).singleElement()
                .satisfies(a -> assertThat(a.getStatus()).isEqualTo(ResponseStatus.FAILED))
                .satisfies(a -> assertThat(a.getReason()).contains("VerificationRateLimited"));
    }

    @Test
    void aWaitingMemberPushedPastTheHeldBoundByForgedCreatesIsDecidedByTheOrganizationsRules() {
        fx.close();
        startWith(new TopologyFixture(Map.of("processor.held-callbacks.max-per-partition", "1")));
        fx.verifyByHand();
        fx.callback(memberCreate(account(5)));
        fx.verify(fx.newVerificationRequests().get(0), budgetSpent());
        assertThat(fx.allResponses()).as("the member waits, held").isEmpty();
        fx.advance(Duration.ofSeconds(1)); // so that the member is the oldest held

        fx.callback(TestData.create(TestData.externalId(), "req-forged", account(6), "forged", fx.now()).build());

        assertThat(fx.newVerificationRequests()).as("asked about again, as the organization's rules say")
                .singleElement().satisfies(r -> assertThat(r.getAccountId()).isEqualTo(account(5)));
        assertThat(fx.allResponses()).noneSatisfy(a -> assertThat(a.getRequestId()).isEqualTo("req-" + account(5)));
    }

    private static RoleVerification budgetSpent() {
        return RoleVerification.newBuilder().setOutcome(RoleVerificationOutcome.ERROR)
                .setErrorCode("VerificationRateLimited").setErrorMessage("no slot within the bound").setAttempts(0)
                .build();
    }
}
