package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.Integration;
import dev.onboarding.processor.claims.ClaimCommand;
import java.util.Optional;

/** What {@link CallbackDecider} decided for one callback. */
public sealed interface CallbackDecision {

    /**
     * Answer CloudFormation now.
     *
     * @param response the answer
     * @param newState the integration's new state, when it changes
     * @param release a claim to give back, when the integration no longer needs it
     */
    record Answer(CfnResponse response, Optional<Integration> newState, Optional<ClaimCommand> release)
            implements CallbackDecision {
        /** An answer that changes nothing. */
        public static Answer only(CfnResponse response) {
            return new Answer(response, Optional.empty(), Optional.empty());
        }

        /** An answer with a state change. */
        public static Answer changing(CfnResponse response, Integration newState) {
            return new Answer(response, Optional.of(newState), Optional.empty());
        }
    }

    /** The external ID is unknown: hold the callback for the grace period, its request may still arrive. */
    record Hold() implements CallbackDecision {
    }

    /**
     * The callback passed every check of ownership (its external ID is this integration's, the stack and role are
     * the ones it may name): ask the verifier whether the role requires this external ID, then decide again with
     * {@link CallbackDecider#decideVerified}. Nothing of the sort is asked for anyone else's callback, so a forged
     * one costs no STS call.
     *
     * @param integration the integration the callback names
     */
    record Verify(Integration integration) implements CallbackDecision {
    }

    /**
     * The Create passed every check of its external ID and its role was verified: claim the account for the tenant,
     * then finish with
     * {@link CallbackDecider#finishClaim}.
     *
     * @param command the claim
     */
    record Claim(ClaimCommand command) implements CallbackDecision {
    }
}
