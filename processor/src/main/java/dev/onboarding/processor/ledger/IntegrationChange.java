package dev.onboarding.processor.ledger;

import dev.onboarding.contract.Integration;
import java.time.Instant;

/** The start of every state change of an integration: the next version, stamped now. */
final class IntegrationChange {
    private IntegrationChange() {
    }

    /** A builder for the state that follows {@code current}. */
    static Integration.Builder next(Integration current, Instant now) {
        return Integration.newBuilder(current).setVersion(current.getVersion() + 1).setUpdatedAt(now);
    }
}
