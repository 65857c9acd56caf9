package dev.onboarding.processor;

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

    @Override
    public String toString() {
        // The external ID is a secret: never in logs.
        return "AccountClaim[integrationId=" + integrationId + ", claimedAtMillis=" + claimedAtMillis + "]";
    }
}
