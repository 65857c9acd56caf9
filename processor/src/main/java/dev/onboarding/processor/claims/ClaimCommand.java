package dev.onboarding.processor.claims;

import dev.onboarding.schemas.ExternalIds;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A request to take or give back the claim on one AWS account for one tenant. Travels on the claims
 * repartition topic keyed by {@link #claimKey()}, so every command about a (tenant, account) pair is
 * decided by one task, in order.
 *
 * @param kind claim or release
 * @param tenantId the workspace
 * @param accountId the AWS account
 * @param integrationId the integration that claims or releases
 * @param externalId that integration's external ID (routes the outcome back)
 * @param requestId the CloudFormation RequestId waiting for a claim; null for releases
 */
public record ClaimCommand(Kind kind, String tenantId, String accountId, String integrationId, String externalId,
        String requestId) {

    /** What the command asks for. */
    public enum Kind {
        /** Take the account for the integration. */
        CLAIM,
        /** Give the account back, if the integration holds it. */
        RELEASE
    }

    /** Requires every field but the request id. */
    public ClaimCommand {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(integrationId, "integrationId");
        Objects.requireNonNull(externalId, "externalId");
    }

    /** A claim for a waiting Create. */
    public static ClaimCommand claim(String tenantId, String accountId, String integrationId, String externalId,
            String requestId) {
        return new ClaimCommand(Kind.CLAIM, tenantId, accountId, integrationId, externalId,
                Objects.requireNonNull(requestId, "requestId"));
    }

    /** A release of whatever claim the integration holds on the account. */
    public static ClaimCommand release(String tenantId, String accountId, String integrationId, String externalId) {
        return new ClaimCommand(Kind.RELEASE, tenantId, accountId, integrationId, externalId, null);
    }

    /** The command a claim record carries. */
    public static ClaimCommand of(ClaimInTransit claim) {
        return new ClaimCommand(Kind.valueOf(claim.getKind().name()), claim.getTenantId(), claim.getAccountId(),
                claim.getIntegrationId(), claim.getExternalId(), claim.getRequestId());
    }

    /**
     * This command as it travels to the task of its (tenant, account).
     *
     * @param waitingCreate the encoded Create waiting for a claim; null for a release
     */
    public ClaimInTransit inTransit(ByteBuffer waitingCreate) {
        return new ClaimInTransit(ClaimKind.valueOf(kind.name()), tenantId, accountId, integrationId, externalId,
                requestId, waitingCreate);
    }

    /** The key the claim is decided under: tenant and account. */
    public String claimKey() {
        return claimKey(tenantId, accountId);
    }

    /** The key claims of a tenant and account are decided under. Account ids are 12 digits: the join is unambiguous. */
    public static String claimKey(String tenantId, String accountId) {
        return tenantId + "|" + accountId;
    }

    @Override
    public String toString() {
        // The external ID is a secret: only its redacted form may reach a log.
        return "ClaimCommand[" + kind + ", tenant=" + tenantId + ", account=" + accountId + ", integration="
                + integrationId + ", externalId=" + ExternalIds.redact(externalId) + ", requestId=" + requestId + "]";
    }
}
