package dev.onboarding.processor.claims;

import java.time.Instant;
import java.util.Objects;

/**
 * Who holds one (tenant, AWS account) pair: the value of the account-claims store.
 *
 * @param integrationId the holding integration
 * @param externalId its external ID
 * @param claimedAtMillis when the claim was granted (epoch millis)
 */
public record AccountClaim(String integrationId, String externalId, long claimedAtMillis) {
    /** Requires the ids. */
    public AccountClaim {
        Objects.requireNonNull(integrationId, "integrationId");
        Objects.requireNonNull(externalId, "externalId");
    }

    /** The claim an account-claims store record holds. */
    public static AccountClaim of(AccountHolder holder) {
        return new AccountClaim(holder.getIntegrationId(), holder.getExternalId(),
                holder.getClaimedAt().toEpochMilli());
    }

    /** This claim as the account-claims store keeps it. */
    public AccountHolder toHolder() {
        return new AccountHolder(integrationId, externalId, Instant.ofEpochMilli(claimedAtMillis));
    }

    @Override
    public String toString() {
        // The external ID is a secret: never in logs.
        return "AccountClaim[integrationId=" + integrationId + ", claimedAtMillis=" + claimedAtMillis + "]";
    }
}
