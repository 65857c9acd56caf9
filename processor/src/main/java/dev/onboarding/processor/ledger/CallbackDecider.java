package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.RoleVerification;
import dev.onboarding.contract.RoleVerificationOutcome;
import dev.onboarding.processor.claims.ClaimCommand;
import dev.onboarding.processor.claims.ClaimOutcome;
import dev.onboarding.schemas.ExternalIds;
import dev.onboarding.schemas.TemplateVersions;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules that decide a CloudFormation callback, given the integration its external ID names. Pure:
 * no Kafka, no clock (callers pass {@code now}). Duplicates (rule 1) are filtered before this class is
 * asked; every other rule of the processor's contract is here.
 *
 * <p>Every field of a callback is attacker-controlled: the external ID picks the integration, but only a
 * stack that matches what the integration stored can change a connected integration, and a FAILED
 * answer never names an integration as its PhysicalResourceId.
 */
public final class CallbackDecider {
    /** Reason for a callback whose external ID no request announced (also after the grace period). */
    public static final String UNKNOWN_EXTERNAL_ID = "unknown or expired external ID";
    /** Reason code of a Create whose RoleName is not the integration's. */
    public static final String ROLE_NAME_MISMATCH = "ROLE_NAME_MISMATCH";
    /** Reason code of a role that can be assumed without this external ID. */
    public static final String ROLE_TRUSTS_WITHOUT_EXTERNAL_ID = "ROLE_TRUSTS_WITHOUT_EXTERNAL_ID";
    /** Reason code of a member account whose role does not see the expected AWS Organization. */
    public static final String ORGANIZATION_MISMATCH = "ORGANIZATION_MISMATCH";
    /** Reason for an Update that changes the external ID. */
    public static final String EXTERNAL_ID_CHANGED = "the external ID cannot change; connect a new integration";
    /** Reason for an Update from a stack that is not the one connected to the integration. */
    public static final String NOT_THE_CONNECTED_STACK = "this stack is not the one connected to the integration;"
            + " update the stack that connected it or connect a new integration";

    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

    /** A decider. */
    public CallbackDecider() {
    }

    /** Reason for a Create whose AWS account the tenant has already connected through another integration. */
    public static String accountAlreadyConnected(String accountId) {
        return "AWS account " + accountId + " is already connected to this workspace";
    }

    /**
     * Decides a callback. A Create (or an Update that changes the role) that passes every ownership check is not
     * decided yet: it is to be verified ({@link CallbackDecision.Verify}). The callback's own
     * {@code roleVerification} is never read: only the verifier's result, given to {@link #decideVerified}, counts.
     *
     * @param callback the callback
     * @param current the integration its external ID names, if known
     * @param mayHold whether an unknown external ID may wait for its request (false once the grace is over)
     * @param now the current time
     */
    public CallbackDecision decide(CfnCallback callback, Optional<Integration> current, boolean mayHold,
            Instant now) {
        return decide(callback, current, mayHold, null, now);
    }

    /**
     * Decides a callback whose role the verifier checked, as asked by a {@link CallbackDecision.Verify} decided for
     * it before: the integration may have moved on meanwhile, so every other check is made again.
     *
     * @param verification the verifier's outcome for this callback's role
     */
    public CallbackDecision decideVerified(CfnCallback callback, Optional<Integration> current,
            RoleVerification verification, Instant now) {
        return decide(callback, current, false, Objects.requireNonNull(verification), now);
    }

    private CallbackDecision decide(CfnCallback callback, Optional<Integration> current, boolean mayHold,
            RoleVerification verification, Instant now) {
        return switch (callback.getRequestType()) {
            case CREATE -> create(callback, current, mayHold, verification, now);
            case UPDATE -> update(callback, current, verification, now);
            case DELETE -> delete(callback, current, now);
            default -> CallbackDecision.Answer.only(CallbackAnswers.failed(callback,
                    "unsupported request type; only Create, Update and Delete are handled", null, now));
        };
    }

    /** Decides an Update from the stack that connected a member account of an organization (as a single account's). */
    CallbackDecision decideMemberUpdate(CfnCallback callback, Integration member, RoleVerification verification,
            Instant now) {
        return update(callback, Optional.of(member), verification, now);
    }

    /**
     * Finishes a Create whose account claim came back: CONNECTED and SUCCESS when the claim was granted and
     * the integration is still pending, FAILED otherwise (giving back a granted claim the integration cannot
     * use).
     */
    public CallbackDecision.Answer finishClaim(CfnCallback callback, Optional<Integration> current,
            ClaimOutcome outcome, Instant now) {
        ClaimCommand claim = outcome.command();
        if (current.isEmpty()) {
            // Cannot happen while stores are intact; never keep a claim nobody uses.
            return new CallbackDecision.Answer(CallbackAnswers.failed(callback, UNKNOWN_EXTERNAL_ID, null, now),
                    Optional.empty(), outcome.granted() ? Optional.of(releaseOf(claim)) : Optional.empty());
        }
        Integration integration = current.get();
        if (!outcome.granted()) {
            return failCreate(callback, integration, accountAlreadyConnected(claim.accountId()), now);
        }
        if (integration.getStatus() == IntegrationStatus.PENDING) {
            Integration connected = connectedBy(integration, callback, now);
            CfnResponse success = CallbackAnswers.success(callback, integration.getIntegrationId(),
                    dataOf(integration), integration.getIntegrationId(), now);
            return CallbackDecision.Answer.changing(success, connected);
        }
        // The integration moved on while the claim travelled (another stack connected it, it was cancelled
        // or it expired). Keep the claim only if it is the one the connected integration uses.
        boolean claimInUse = integration.getStatus() == IntegrationStatus.CONNECTED
                && claim.accountId().equals(integration.getAccountId());
        CfnResponse failed = CallbackAnswers.failed(callback, notPendingReason(integration),
                integration.getIntegrationId(), now);
        return new CallbackDecision.Answer(failed, Optional.empty(),
                claimInUse ? Optional.empty() : Optional.of(releaseOf(claim)));
    }

    /** The CONNECTED state a pending integration reaches through the Create {@code callback}, its id as resource. */
    static Integration connectedBy(Integration pending, CfnCallback callback, Instant now) {
        return IntegrationChange.next(pending, now)
                .setStatus(IntegrationStatus.CONNECTED)
                .setAccountId(callback.getAccountId())
                .setRoleName(callback.getRoleName())
                .setRoleArn(callback.getRoleArn())
                .setRegion(callback.getRegion())
                .setStackId(callback.getStackId())
                .setLogicalResourceId(callback.getLogicalResourceId())
                .setPhysicalResourceId(pending.getIntegrationId())
                .setLastRequestId(callback.getRequestId())
                .setLastFailureReason(null)
                .setConnectedAt(now)
                .setTemplateVersion(callback.getTemplateVersion())
                .build();
    }

    private CallbackDecision create(CfnCallback callback, Optional<Integration> current, boolean mayHold,
            RoleVerification verification, Instant now) {
        if (current.isEmpty()) {
            if (mayHold && ExternalIds.isStsValid(callback.getExternalId())) {
                return new CallbackDecision.Hold();
            }
            return CallbackDecision.Answer.only(CallbackAnswers.failed(callback, UNKNOWN_EXTERNAL_ID, null, now));
        }
        Integration integration = current.get();
        if (integration.getStatus() != IntegrationStatus.PENDING) {
            return CallbackDecision.Answer.only(CallbackAnswers.failed(callback, notPendingReason(integration),
                    integration.getIntegrationId(), now));
        }
        if (!now.isBefore(integration.getExpiresAt())) {
            // Expired but not yet swept by the expiry punctuation: expire it now, so the answer and the state agree.
            String reason = expiredReason(integration);
            Integration expired = IntegrationChange.next(integration, now)
                    .setStatus(IntegrationStatus.EXPIRED)
                    .setLastRequestId(callback.getRequestId())
                    .setLastFailureReason(reason)
                    .build();
            return CallbackDecision.Answer.changing(
                    CallbackAnswers.failed(callback, reason, integration.getIntegrationId(), now), expired);
        }
        Optional<String> problem = createProblem(callback, integration);
        if (problem.isEmpty() && verification == null) {
            return new CallbackDecision.Verify(integration);
        }
        problem = problem.or(() -> roleProblem(callback, verification, "role"));
        if (problem.isPresent()) {
            return failCreate(callback, integration, problem.get(), now);
        }
        return new CallbackDecision.Claim(ClaimCommand.claim(integration.getTenantId(), callback.getAccountId(),
                integration.getIntegrationId(), integration.getExternalId(), callback.getRequestId()));
    }

    /** What stops a Create from claiming this integration before any STS call: the account and the role name. */
    private static Optional<String> createProblem(CfnCallback callback, Integration integration) {
        String account = callback.getAccountId();
        if (account == null || !ACCOUNT_ID.matcher(account).matches()) {
            return Optional.of("the stack's AWS account id is malformed; launch the stack again");
        }
        String expected = integration.getExpectedAccountId();
        if (expected != null && !expected.equals(account)) {
            return Optional.of("AWS account " + account + " is not the account this integration was created for;"
                    + " launch the stack in that account");
        }
        if (!integration.getRoleName().equals(callback.getRoleName())) {
            return Optional.of(ROLE_NAME_MISMATCH + ": the stack's RoleName " + callback.getRoleName()
                    + " is not this integration's role name " + integration.getRoleName()
                    + "; launch the stack the integration gives you");
        }
        return Optional.empty();
    }

    /** What the verifier's outcome says is wrong with the role, if anything. */
    static Optional<String> roleProblem(CfnCallback callback, RoleVerification verification, String what) {
        RoleVerificationOutcome outcome = verification == null ? RoleVerificationOutcome.ERROR
                : verification.getOutcome();
        if (outcome == RoleVerificationOutcome.VERIFIED) {
            return Optional.empty();
        }
        if (outcome == RoleVerificationOutcome.ROLE_TRUSTS_WITHOUT_EXTERNAL_ID) {
            return Optional.of(ROLE_TRUSTS_WITHOUT_EXTERNAL_ID + ": the " + what + " " + callback.getRoleArn()
                    + " can be assumed without this external ID; make its trust policy require it (StringEquals on"
                    + " sts:ExternalId), then retry");
        }
        if (outcome == RoleVerificationOutcome.ORGANIZATION_MISMATCH) {
            return Optional.of(ORGANIZATION_MISMATCH + ": this account is not a member of the organization the "
                    + "integration expects (organizations:DescribeOrganization with the " + what + " " + callback.getRoleArn()
                    + " did not return it); deploy the StackSet from that organization's management account");
        }
        if (outcome == RoleVerificationOutcome.NOT_REQUIRED) {
            return Optional.of("the " + what + " " + callback.getRoleArn() + " was not verified; retry the stack");
        }
        String code = verification == null || verification.getErrorCode() == null ? outcome.name()
                : verification.getErrorCode();
        return Optional.of("could not assume the " + what + " " + callback.getRoleArn() + " (" + code
                + "); check that it exists and trusts the provider with this external ID, then retry");
    }

    /** A FAILED Create: a pending integration stays PENDING and remembers why, so the customer can retry. */
    private static CallbackDecision.Answer failCreate(CfnCallback callback, Integration integration, String reason,
            Instant now) {
        CfnResponse failed = CallbackAnswers.failed(callback, reason, integration.getIntegrationId(), now);
        if (integration.getStatus() != IntegrationStatus.PENDING) {
            return CallbackDecision.Answer.only(failed);
        }
        Integration remembered = IntegrationChange.next(integration, now)
                .setLastRequestId(callback.getRequestId())
                .setLastFailureReason(failed.getReason())
                .build();
        return CallbackDecision.Answer.changing(failed, remembered);
    }

    private CallbackDecision.Answer delete(CfnCallback callback, Optional<Integration> current, Instant now) {
        String physicalId = CallbackAnswers.deletedId(callback);
        // A Delete is always answered SUCCESS: a stack's deletion must never hang on us.
        CfnResponse success = CallbackAnswers.success(callback, physicalId, Map.of(),
                current.map(Integration::getIntegrationId).orElse(null), now);
        if (current.isEmpty() || !isConnectedResource(callback, current.get(), true)) {
            // Rollback Delete of a FAILED Create, a forged Delete, an unknown ID: nothing changes.
            return CallbackDecision.Answer.only(success);
        }
        Integration integration = current.get();
        Integration disconnected = IntegrationChange.next(integration, now)
                .setStatus(IntegrationStatus.DISCONNECTED)
                .setLastRequestId(callback.getRequestId())
                .build();
        return new CallbackDecision.Answer(success, Optional.of(disconnected),
                Optional.of(releaseOf(integration)));
    }

    private CallbackDecision update(CfnCallback callback, Optional<Integration> current,
            RoleVerification verification, Instant now) {
        boolean ownsIntegration = current.isPresent() && isConnectedResource(callback, current.get(), false);
        if (!ownsIntegration) {
            boolean idChanged = callback.getOldExternalId() != null
                    && !callback.getOldExternalId().equals(callback.getExternalId());
            String reason = idChanged ? EXTERNAL_ID_CHANGED : NOT_THE_CONNECTED_STACK;
            // Never name (or touch) an integration the caller does not own.
            return CallbackDecision.Answer.only(CallbackAnswers.failed(callback, reason, null, now));
        }
        // The callback's external ID is the connected one. This is also the case of the rollback Update that
        // follows a refused external-ID change: it restores the connected ID and must succeed.
        Integration integration = current.get();
        CfnResponse success = CallbackAnswers.success(callback, integration.getPhysicalResourceId(),
                dataOf(integration), integration.getIntegrationId(), now);
        // The version only moves forward: an Update of an older template (delivered late, or a rollback) keeps it.
        boolean newerTemplate = TemplateVersions.isNewer(callback.getTemplateVersion(),
                integration.getTemplateVersion());
        String templateVersion = newerTemplate ? callback.getTemplateVersion() : integration.getTemplateVersion();
        if (Objects.equals(callback.getRoleArn(), integration.getRoleArn())) {
            if (!newerTemplate) {
                return CallbackDecision.Answer.only(success);
            }
            Integration movedOn = IntegrationChange.next(integration, now)
                    .setTemplateVersion(templateVersion)
                    .setLastRequestId(callback.getRequestId())
                    .setLastFailureReason(null)
                    .build();
            return CallbackDecision.Answer.changing(success, movedOn);
        }
        if (verification == null) {
            // A new role is a new claim on the account: prove it like a Create's.
            return new CallbackDecision.Verify(integration);
        }
        Optional<String> problem = roleProblem(callback, verification, "new role");
        if (problem.isPresent()) {
            String reason = problem.get() + "; the integration keeps using " + integration.getRoleArn();
            CfnResponse failed = CallbackAnswers.failed(callback, reason, integration.getIntegrationId(), now);
            Integration remembered = IntegrationChange.next(integration, now)
                    .setLastRequestId(callback.getRequestId())
                    .setLastFailureReason(failed.getReason())
                    .build();
            return CallbackDecision.Answer.changing(failed, remembered);
        }
        Integration updated = IntegrationChange.next(integration, now)
                .setRoleName(callback.getRoleName())
                .setRoleArn(callback.getRoleArn())
                .setTemplateVersion(templateVersion)
                .setLastRequestId(callback.getRequestId())
                .setLastFailureReason(null)
                .build();
        return CallbackDecision.Answer.changing(success, updated);
    }

    /**
     * Whether the callback comes from the resource that connected the integration: same stack and
     * PhysicalResourceId (and, for Delete, the same logical id). The external ID matches by construction.
     */
    static boolean isConnectedResource(CfnCallback callback, Integration integration,
            boolean requireLogicalId) {
        return integration.getStatus() == IntegrationStatus.CONNECTED
                && integration.getExternalId().equals(callback.getExternalId())
                && Objects.equals(callback.getPhysicalResourceId(), integration.getPhysicalResourceId())
                && Objects.equals(callback.getStackId(), integration.getStackId())
                && (!requireLogicalId
                        || Objects.equals(callback.getLogicalResourceId(), integration.getLogicalResourceId()));
    }

    private static String notPendingReason(Integration integration) {
        return switch (integration.getStatus()) {
            case CONNECTED -> "this external ID is already connected to another stack; delete that stack first or"
                    + " connect a new integration";
            case EXPIRED -> expiredReason(integration);
            case CANCELLED -> "this integration was cancelled; connect a new integration and launch the stack it"
                    + " gives you";
            case DISCONNECTED -> "this integration was disconnected; connect a new integration and launch the stack"
                    + " it gives you";
            case PENDING -> "this integration is still pending; retry";
        };
    }

    private static String expiredReason(Integration integration) {
        return "this integration expired at " + integration.getExpiresAt()
                + "; connect a new integration and launch the stack it gives you";
    }

    private static Map<String, String> dataOf(Integration integration) {
        return Map.of(CallbackAnswers.DATA_INTEGRATION_ID, integration.getIntegrationId());
    }

    private static ClaimCommand releaseOf(Integration integration) {
        return ClaimCommand.release(integration.getTenantId(), integration.getAccountId(),
                integration.getIntegrationId(), integration.getExternalId());
    }

    private static ClaimCommand releaseOf(ClaimCommand claim) {
        return ClaimCommand.release(claim.tenantId(), claim.accountId(), claim.integrationId(), claim.externalId());
    }
}
