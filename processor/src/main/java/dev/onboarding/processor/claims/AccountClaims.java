package dev.onboarding.processor.claims;

import java.util.Optional;

/**
 * One AWS account per tenant: the rules of the account-claims store. Every command for a (tenant,
 * account) pair reaches the same task in order, so deciding here against the stored holder is atomic:
 * two Creates for the same account cannot both win.
 */
public final class AccountClaims {

    /**
     * What a claim does to the store and what it answers.
     *
     * @param newHolder the holder to store, or empty to leave the store as it is
     * @param outcome the answer routed back to the claimant
     */
    public record ClaimResult(Optional<AccountClaim> newHolder, ClaimOutcome outcome) {
    }

    /**
     * Decides a claim. Free account: granted and stored. Held by the same integration (a second Create of
     * the same integration, or a redelivered claim): granted again, nothing changes. Held by another
     * integration: denied.
     */
    public ClaimResult claim(ClaimCommand command, Optional<AccountClaim> current, long nowMillis) {
        if (command.kind() != ClaimCommand.Kind.CLAIM) {
            throw new IllegalArgumentException("not a claim: " + command);
        }
        if (current.isEmpty()) {
            AccountClaim holder = new AccountClaim(command.integrationId(), command.externalId(), nowMillis);
            return new ClaimResult(Optional.of(holder), new ClaimOutcome(true, command, command.integrationId()));
        }
        AccountClaim holder = current.get();
        boolean sameIntegration = holder.integrationId().equals(command.integrationId());
        return new ClaimResult(Optional.empty(), new ClaimOutcome(sameIntegration, command, holder.integrationId()));
    }

    /** Whether a release removes the stored claim: only when the releasing integration holds it. */
    public boolean releases(ClaimCommand command, Optional<AccountClaim> current) {
        if (command.kind() != ClaimCommand.Kind.RELEASE) {
            throw new IllegalArgumentException("not a release: " + command);
        }
        return current.isPresent() && current.get().integrationId().equals(command.integrationId());
    }
}
