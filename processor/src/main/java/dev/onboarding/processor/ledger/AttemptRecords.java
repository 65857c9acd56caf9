package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.ResponseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How many state versions failed attempts may write. A Create that fails while its integration is PENDING may
 * record the attempt on the integration (the waiting customer wants to see why), and so may a refused role change
 * on a CONNECTED one; but whoever holds an external ID (a leaked one, a retry loop) could otherwise write a version
 * per callback. So a RequestId records each step of its handling (received, verified, decided) at most once, and
 * an integration records at most {@code maxPerHour} attempts in any hour; past that the attempt is answered as
 * always but leaves the state as it is. Versions that change what the integration is (CONNECTED, DISCONNECTED,
 * EXPIRED, a new role) are never held back. Pure: no Kafka, no clock.
 *
 * <p>Whoever writes a state version that only records an attempt asks {@link #admit} first and stores the list it
 * returns with the state ({@code LedgerEntry.attempts}): the latest {@code maxPerHour} recorded steps, so the list
 * stays as small as the bound.
 */
public final class AttemptRecords {
    /** The window the bound counts in. */
    public static final Duration WINDOW = Duration.ofHours(1);

    private final int maxPerHour;

    /** Rules allowing {@code maxPerHour} recorded attempts per integration in any hour. */
    public AttemptRecords(int maxPerHour) {
        if (maxPerHour < 1) {
            throw new IllegalArgumentException("maxPerHour must be positive");
        }
        this.maxPerHour = maxPerHour;
    }

    /**
     * Whether the new state {@code next}, decided with {@code response}, only records a failed attempt: a FAILED
     * answer that leaves the integration in the status it had (a FAILED answer never moves an integration to
     * PENDING or CONNECTED, so those statuses say it stayed).
     */
    public static boolean recordsAnAttempt(CfnResponse response, Integration next) {
        return response.getStatus() == ResponseStatus.FAILED
                && (next.getStatus() == IntegrationStatus.PENDING || next.getStatus() == IntegrationStatus.CONNECTED);
    }

    /**
     * Asks to write a version recording {@code step} of {@code requestId}'s handling at {@code now}.
     *
     * @param recorded what the integration recorded before (null or empty: nothing)
     * @return the recorded steps to store with the new version, or empty when it must not be written: this
     *     RequestId recorded this step already, or the integration recorded {@code maxPerHour} attempts in the last
     *     hour
     */
    public Optional<List<RecordedStep>> admit(List<RecordedStep> recorded, String requestId, HandlingStep step,
            Instant now) {
        List<RecordedStep> before = recorded == null ? List.of() : recorded;
        String digest = RequestDigests.of(requestId);
        Instant windowStart = now.minus(WINDOW);
        int inWindow = 0;
        for (RecordedStep r : before) {
            if (r.getRequestDigest().equals(digest) && r.getStep() == step) {
                return Optional.empty();
            }
            if (r.getAt().isAfter(windowStart)) {
                inWindow++;
            }
        }
        if (inWindow >= maxPerHour) {
            return Optional.empty();
        }
        List<RecordedStep> after = new ArrayList<>(before.subList(Math.max(0, before.size() - maxPerHour + 1),
                before.size()));
        after.add(new RecordedStep(digest, step, now));
        return Optional.of(after);
    }
}
