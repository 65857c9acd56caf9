package dev.onboarding.processor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A claim or release on its way to the task of its (tenant, account), with the Create that waits for the
 * claim. The Create travels with its claim, there and back ({@link OutcomeInTransit}), instead of waiting in
 * a store: no store write and no changelog record while the claim is decided. It stays encoded (the
 * processor's callback serde) because the claims task never reads it.
 *
 * @param command the claim or release
 * @param waitingCreate the encoded Create waiting for the claim; null for releases
 */
record ClaimInTransit(ClaimCommand command, byte[] waitingCreate) {
    /** Requires the command. */
    ClaimInTransit {
        Objects.requireNonNull(command, "command");
    }

    /** A release, which nobody waits for. */
    static ClaimInTransit release(ClaimCommand release) {
        return new ClaimInTransit(release, null);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClaimInTransit o && command.equals(o.command)
                && Arrays.equals(waitingCreate, o.waitingCreate);
    }

    @Override
    public int hashCode() {
        return 31 * command.hashCode() + Arrays.hashCode(waitingCreate);
    }

    @Override
    public String toString() {
        return "ClaimInTransit[" + command + ", waitingCreate=" + (waitingCreate == null ? "none"
                : waitingCreate.length + " bytes") + "]";
    }
}
