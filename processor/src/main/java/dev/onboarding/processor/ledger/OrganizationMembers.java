package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationKind;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.OrganizationMember;
import dev.onboarding.contract.OrganizationMemberStatus;
import dev.onboarding.contract.OrganizationMemberSummary;
import dev.onboarding.contract.RequestType;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.processor.claims.ClaimCommand;
import dev.onboarding.processor.claims.ClaimOutcome;
import dev.onboarding.schemas.verification.RoleVerificationResults;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of an ORGANIZATION integration's member accounts, whose stack instances all carry the organization's
 * one external ID. Each member account gets an integration of its own (id {@code <organization id>-<account>}, its
 * own PhysicalResourceId, state and collection jobs), linked to the organization integration, whose state lists the
 * members with a summary. Pure: no Kafka, no clock.
 *
 * <ul>
 *   <li>A member's Create is checked (account, role name), then verified as a single account's is, plus the
 *       organization check ({@code expectedOrganizationId} in the verification request), then claims its account.
 *       A Create the verifier refused for the provider's own budget waits and is asked about again.
 *   <li>Dedupe per tenant: an account the tenant already connected (alone or through another organization) is
 *       answered SUCCESS and linked to that integration: a FAILED member would stop the StackSet's rollout. Its
 *       later Delete leaves that integration alone.
 *   <li>A member's Delete disconnects that member only. The organization integration stays PENDING while it accepts
 *       members and never expires; once cancelled it admits no new member, and connected ones stay connected.
 * </ul>
 */
final class OrganizationMembers {
    /** Entries not CONNECTED (pending, failed, disconnected) an organization lists at most: the latest ones. */
    static final int MAX_LISTED_UNCONNECTED = 500;
    /** Reason of a member's Create after its organization integration was cancelled. */
    static final String CANCELLED = "this organization integration was cancelled: it connects no new member"
            + " accounts; ask the provider for a new one";

    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

    private OrganizationMembers() {
    }

    /** Whether {@code integration} is an organization integration (its external ID admits many members). */
    static boolean isOrganization(Optional<Integration> integration) {
        return integration.map(i -> i.getKind() == IntegrationKind.ORGANIZATION).orElse(false);
    }

    /** The id of the member integration of {@code accountId} under {@code organization}. */
    static String memberIntegrationId(Integration organization, String accountId) {
        return organization.getIntegrationId() + "-" + accountId;
    }

    /** Whether {@code integration} is a member account's integration. */
    static boolean isMember(Integration integration) {
        return integration.getOrganizationIntegrationId() != null;
    }

    /**
     * Whether a member's Create whose verification came back refused for the provider's own budget (the verifier's
     * {@value RoleVerificationResults#RATE_LIMITED}: its AssumeRole rate, or its verifications per integration) waits
     * to be asked about again rather than be answered FAILED: it does while it is younger than {@code patience}, then
     * the refusal is its answer (CloudFormation would give up on it within the hour anyway).
     *
     * @param integration the integration of the callback's external ID
     */
    static boolean waitsForBudget(Optional<Integration> integration, CfnCallback callback,
            RoleVerification verification, Instant now, Duration patience) {
        return isOrganization(integration)
                && callback.getRequestType() == RequestType.CREATE
                && verification != null && verification.getOutcome() == RoleVerificationOutcome.ERROR
                && RoleVerificationResults.RATE_LIMITED.equals(verification.getErrorCode())
                && callback.getReceivedAt() != null && callback.getReceivedAt().plus(patience).isAfter(now);
    }

    /** A member's first state: PENDING, only its account may complete it, linked to its organization. */
    static Integration pendingMember(Integration organization, String accountId, Instant now) {
        return Integration.newBuilder()
                .setIntegrationId(memberIntegrationId(organization, accountId))
                .setTenantId(organization.getTenantId())
                .setExternalId(organization.getExternalId())
                .setName(organization.getName() + " / " + accountId)
                .setStatus(IntegrationStatus.PENDING)
                .setRoleName(organization.getRoleName())
                .setExpectedAccountId(accountId)
                .setTags(organization.getTags())
                .setRequestedAt(organization.getRequestedAt())
                .setExpiresAt(organization.getExpiresAt())
                .setUpdatedAt(now)
                .setVersion(1)
                .setKind(IntegrationKind.ACCOUNT)
                .setExpectedOrganizationId(organization.getExpectedOrganizationId())
                .setOrganizationIntegrationId(organization.getIntegrationId())
                .build();
    }

    /** A member that left (its stack deleted) and whose account joins again: PENDING anew; else as it is. */
    private static Integration rejoining(Integration member, Instant now) {
        if (member.getStatus() != IntegrationStatus.DISCONNECTED) {
            return member;
        }
        return IntegrationChange.next(member, now).setStatus(IntegrationStatus.PENDING).setLastFailureReason(null)
                .build();
    }

    /** What the organization's list says of a member from the member's own state. */
    static OrganizationMember entryOf(Integration member) {
        OrganizationMemberStatus status = switch (member.getStatus()) {
            case CONNECTED -> OrganizationMemberStatus.CONNECTED;
            case DISCONNECTED, CANCELLED, EXPIRED -> OrganizationMemberStatus.DISCONNECTED;
            default -> member.getLastFailureReason() == null ? OrganizationMemberStatus.PENDING
                    : OrganizationMemberStatus.FAILED;
        };
        return entry(member.getExpectedAccountId(), member.getIntegrationId(), status,
                status == OrganizationMemberStatus.FAILED ? member.getLastFailureReason() : null,
                member.getUpdatedAt());
    }

    private static OrganizationMember entry(String accountId, String integrationId, OrganizationMemberStatus status,
            String reason, Instant at) {
        return OrganizationMember.newBuilder().setAccountId(accountId).setIntegrationId(integrationId)
                .setStatus(status).setReason(reason).setUpdatedAt(at).build();
    }

    /**
     * The organization's next state with {@code entry} for its account (replacing the one it had, else added last)
     * and the summary counted again; empty when the list already says exactly that.
     */
    static Optional<Integration> withMember(Integration organization, OrganizationMember entry, Instant now) {
        List<OrganizationMember> members = new ArrayList<>(organization.getMembers());
        int at = -1;
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).getAccountId().equals(entry.getAccountId())) {
                at = i;
            }
        }
        if (at >= 0) {
            OrganizationMember old = members.get(at);
            if (old.getStatus() == entry.getStatus() && old.getIntegrationId().equals(entry.getIntegrationId())
                    && java.util.Objects.equals(old.getReason(), entry.getReason())) {
                return Optional.empty();
            }
            members.set(at, entry);
        } else {
            members.add(entry);
        }
        dropOldestUnconnected(members, entry);
        int connected = 0;
        int failed = 0;
        int pending = 0;
        for (OrganizationMember member : members) {
            switch (member.getStatus()) {
                case CONNECTED -> connected++;
                case FAILED -> failed++;
                case PENDING -> pending++;
                default -> {
                }
            }
        }
        return Optional.of(IntegrationChange.next(organization, now)
                .setMembers(members)
                .setMemberSummary(OrganizationMemberSummary.newBuilder().setConnected(connected).setFailed(failed)
                        .setPending(pending).build())
                .build());
    }

    /**
     * Keeps at most {@link #MAX_LISTED_UNCONNECTED} entries that are not CONNECTED, dropping the oldest (never
     * {@code kept}). The shared external ID is on every member's stack: whoever learns it can send Creates for any
     * number of made-up accounts, each listed PENDING then FAILED; without a bound the organization's state record
     * would grow past what the broker accepts and stop the ledger. Connected entries need a real role and stay.
     */
    private static void dropOldestUnconnected(List<OrganizationMember> members, OrganizationMember kept) {
        long unconnected = members.stream().filter(m -> m.getStatus() != OrganizationMemberStatus.CONNECTED).count();
        while (unconnected > MAX_LISTED_UNCONNECTED) {
            OrganizationMember oldest = null;
            for (OrganizationMember m : members) {
                if (m != kept && m.getStatus() != OrganizationMemberStatus.CONNECTED
                        && (oldest == null || m.getUpdatedAt().isBefore(oldest.getUpdatedAt()))) {
                    oldest = m;
                }
            }
            members.remove(oldest);
            unconnected--;
        }
    }

    /** The member entry of {@code accountId} in the organization's list, if any. */
    static Optional<OrganizationMember> listed(Integration organization, String accountId) {
        return organization.getMembers().stream().filter(m -> m.getAccountId().equals(accountId)).findFirst();
    }

    /**
     * Decides a member account's callback.
     *
     * @param organization the organization integration the external ID names
     * @param member the member's own integration, if the account called before
     * @param verification the verifier's outcome, when the callback waited for one; null before
     */
    static CallbackDecision decide(CfnCallback callback, Integration organization, Optional<Integration> member,
            RoleVerification verification, Instant now) {
        RequestType type = callback.getRequestType();
        if (type == RequestType.CREATE) {
            return create(callback, organization, member, verification, now);
        }
        if (type == RequestType.DELETE) {
            return delete(callback, organization, member, now);
        }
        if (type == RequestType.UPDATE && member.isPresent()
                && member.get().getStatus() == IntegrationStatus.CONNECTED) {
            // The connected member's own stack: the rules of a single account's Update.
            return new CallbackDecider().decideMemberUpdate(callback, member.get(), verification, now);
        }
        return CallbackDecision.Answer.only(CallbackAnswers.failed(callback, "this stack is not a connected member of"
                + " the organization integration; create the stack instance again", null, now));
    }

    private static CallbackDecision create(CfnCallback callback, Integration organization,
            Optional<Integration> member, RoleVerification verification, Instant now) {
        String account = callback.getAccountId();
        if (account == null || !ACCOUNT_ID.matcher(account).matches()) {
            return CallbackDecision.Answer.only(CallbackAnswers.failed(callback,
                    "the stack's AWS account id is malformed; launch the stack again", null, now));
        }
        if (organization.getStatus() != IntegrationStatus.PENDING) {
            return CallbackDecision.Answer.only(CallbackAnswers.failed(callback,
                    organization.getStatus() == IntegrationStatus.CANCELLED ? CANCELLED
                            : "this organization integration accepts no new member accounts ("
                                    + organization.getStatus() + ")", organization.getIntegrationId(), now));
        }
        Integration own = member.map(m -> rejoining(m, now)).orElseGet(() -> pendingMember(organization, account, now));
        if (own.getStatus() == IntegrationStatus.CONNECTED) {
            // Another stack connected this member already (the management account's own stack and the StackSet,
            // say): SUCCESS, linked to it; the member is untouched and this stack's Delete will leave it alone.
            return CallbackDecision.Answer.only(CallbackAnswers.success(callback, own.getIntegrationId(),
                    Map.of(CallbackAnswers.DATA_INTEGRATION_ID, own.getIntegrationId()), own.getIntegrationId(), now));
        }
        if (!own.getRoleName().equals(callback.getRoleName())) {
            return failMember(callback, own, CallbackDecider.ROLE_NAME_MISMATCH + ": the stack's RoleName "
                    + callback.getRoleName() + " is not this integration's role name " + own.getRoleName()
                    + "; deploy the StackSet with the parameters the integration gives you", now);
        }
        if (verification == null) {
            return new CallbackDecision.Verify(own);
        }
        Optional<String> problem = CallbackDecider.roleProblem(callback, verification, "role");
        if (problem.isPresent()) {
            return failMember(callback, own, problem.get(), now);
        }
        return new CallbackDecision.Claim(ClaimCommand.claim(own.getTenantId(), account, own.getIntegrationId(),
                own.getExternalId(), callback.getRequestId()));
    }

    /** A FAILED member: its own integration stays PENDING and remembers why (the organization lists it FAILED). */
    private static CallbackDecision.Answer failMember(CfnCallback callback, Integration member, String reason,
            Instant now) {
        CfnResponse failed = CallbackAnswers.failed(callback, reason, member.getIntegrationId(), now);
        return CallbackDecision.Answer.changing(failed, IntegrationChange.next(member, now)
                .setLastRequestId(callback.getRequestId())
                .setLastFailureReason(failed.getReason())
                .build());
    }

    /**
     * Finishes a member's Create whose claim came back: granted, the member is CONNECTED; denied because the tenant
     * connected the account through another integration, SUCCESS linked to that one (the organization lists it).
     */
    static CallbackDecision.Answer finishClaim(CfnCallback callback, Integration organization,
            Optional<Integration> member, ClaimOutcome outcome, Instant now) {
        ClaimCommand claim = outcome.command();
        Integration own = member.map(m -> rejoining(m, now))
                .orElseGet(() -> pendingMember(organization, claim.accountId(), now));
        Optional<ClaimCommand> unused = outcome.granted() ? Optional.of(ClaimCommand.release(claim.tenantId(),
                claim.accountId(), claim.integrationId(), claim.externalId())) : Optional.empty();
        if (organization.getStatus() != IntegrationStatus.PENDING || own.getStatus() != IntegrationStatus.PENDING) {
            // Cancelled while the claim travelled, or another stack connected the member meanwhile.
            boolean inUse = own.getStatus() == IntegrationStatus.CONNECTED;
            if (inUse) {
                return CallbackDecision.Answer.only(CallbackAnswers.success(callback, own.getIntegrationId(),
                        Map.of(CallbackAnswers.DATA_INTEGRATION_ID, own.getIntegrationId()), own.getIntegrationId(),
                        now));
            }
            return new CallbackDecision.Answer(CallbackAnswers.failed(callback, CANCELLED,
                    organization.getIntegrationId(), now), Optional.empty(), unused);
        }
        if (outcome.granted()) {
            Integration connected = CallbackDecider.connectedBy(own, callback, now);
            return CallbackDecision.Answer.changing(CallbackAnswers.success(callback, own.getIntegrationId(),
                    Map.of(CallbackAnswers.DATA_INTEGRATION_ID, own.getIntegrationId()), own.getIntegrationId(), now),
                    connected);
        }
        // Dedupe per tenant: answered SUCCESS and linked to the integration that holds the account. The
        // PhysicalResourceId is the member's own id, so this stack's Delete is recognised and leaves that one alone.
        String holder = outcome.holderIntegrationId();
        CfnResponse linked = CallbackAnswers.success(callback, own.getIntegrationId(),
                Map.of(CallbackAnswers.DATA_INTEGRATION_ID, holder), holder, now);
        Optional<Integration> listed = withMember(organization, entry(claim.accountId(), holder,
                OrganizationMemberStatus.CONNECTED, null, now), now);
        return new CallbackDecision.Answer(linked, listed, Optional.empty());
    }

    private static CallbackDecision delete(CfnCallback callback, Integration organization,
            Optional<Integration> member, Instant now) {
        String physicalId = CallbackAnswers.deletedId(callback);
        // A Delete is always answered SUCCESS: a stack's deletion must never hang on us.
        CfnResponse success = CallbackAnswers.success(callback, physicalId, Map.of(),
                member.map(Integration::getIntegrationId).orElse(organization.getIntegrationId()), now);
        if (member.isPresent() && CallbackDecider.isConnectedResource(callback, member.get(), true)) {
            Integration disconnected = IntegrationChange.next(member.get(), now)
                    .setStatus(IntegrationStatus.DISCONNECTED)
                    .setLastRequestId(callback.getRequestId())
                    .build();
            return new CallbackDecision.Answer(success, Optional.of(disconnected), Optional.of(ClaimCommand.release(
                    disconnected.getTenantId(), disconnected.getAccountId(), disconnected.getIntegrationId(),
                    disconnected.getExternalId())));
        }
        String account = callback.getAccountId();
        Optional<OrganizationMember> linked = account == null ? Optional.empty() : listed(organization, account)
                .filter(m -> m.getStatus() == OrganizationMemberStatus.CONNECTED)
                .filter(m -> !m.getIntegrationId().equals(memberIntegrationId(organization, account)))
                .filter(m -> physicalId.equals(memberIntegrationId(organization, account)));
        if (linked.isPresent()) {
            // The stack that was linked to an integration connected otherwise: that integration stays as it is.
            Optional<Integration> unlisted = withMember(organization, entry(account,
                    linked.get().getIntegrationId(), OrganizationMemberStatus.DISCONNECTED, null, now), now);
            return new CallbackDecision.Answer(success, unlisted, Optional.empty());
        }
        return CallbackDecision.Answer.only(success);
    }
}
