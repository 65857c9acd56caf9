package dev.onboarding.processor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A claim's outcome on its way back to the task of the claimant's external ID, with the Create that waits
 * for it (see {@link ClaimInTransit}), still encoded.
 *
 * @param outcome the outcome
 * @param waitingCreate the encoded Create, as the claim carried it
 */
record OutcomeInTransit(ClaimOutcome outcome, byte[] waitingCreate) {
    /** Requires the outcome. */
    OutcomeInTransit {
        Objects.requireNonNull(outcome, "outcome");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OutcomeInTransit o && outcome.equals(o.outcome)
                && Arrays.equals(waitingCreate, o.waitingCreate);
    }

    @Override
    public int hashCode() {
        return 31 * outcome.hashCode() + Arrays.hashCode(waitingCreate);
    }

    @Override
    public String toString() {
        return "OutcomeInTransit[" + outcome + ", waitingCreate=" + (waitingCreate == null ? "none"
                : waitingCreate.length + " bytes") + "]";
    }
}
