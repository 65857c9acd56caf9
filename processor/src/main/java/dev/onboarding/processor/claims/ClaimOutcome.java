package dev.onboarding.processor.claims;

import java.util.Objects;

/**
 * The answer to a {@link ClaimCommand.Kind#CLAIM}, routed back keyed by the external ID so the
 * waiting Create can be finished in the task that holds the integration.
 *
 * @param granted whether the integration now holds the account
 * @param command the claim this answers
 * @param holderIntegrationId the integration holding the account (the claimant when granted)
 */
public record ClaimOutcome(boolean granted, ClaimCommand command, String holderIntegrationId) {
    /** Requires every field. */
    public ClaimOutcome {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(holderIntegrationId, "holderIntegrationId");
    }

    /** The outcome a returning record carries. */
    public static ClaimOutcome of(OutcomeInTransit outcome) {
        return new ClaimOutcome(outcome.getGranted(), ClaimCommand.of(outcome.getClaim()),
                outcome.getHolderIntegrationId());
    }
}
