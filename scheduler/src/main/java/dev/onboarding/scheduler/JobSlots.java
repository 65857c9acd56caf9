package dev.onboarding.scheduler;

import dev.onboarding.scheduler.CollectionPlan.IntervalClass;
import dev.onboarding.scheduler.CollectionPlan.Target;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The slot lattice of one (integration, interval class): pure arithmetic, no state.
 *
 * <p>Slot {@code n} is due at {@code phase + floor(n * T / S)} epoch milliseconds, where {@code T} is the interval,
 * {@code S} the class's slot count and {@code phase} a hash of the integration id and interval in
 * {@code [0, T)}. Slot {@code n} holds the targets {@code k} with {@code k % S == n % S}, so every target is due
 * exactly once per interval, an account's jobs are spread evenly over the interval, and accounts connected at the
 * same moment still land on different phases. Slot times (and so job ids, see {@link JobIds}) depend only on the
 * integration id, the plan and the slot number, never on when the scheduler happened to run.
 */
public final class JobSlots {
    private final String integrationId;
    private final IntervalClass intervalClass;
    private final long interval;
    private final int slots;
    private final long phase;

    private JobSlots(String integrationId, IntervalClass intervalClass) {
        this.integrationId = integrationId;
        this.intervalClass = intervalClass;
        this.interval = intervalClass.intervalMillis();
        this.slots = intervalClass.slots();
        this.phase = phase(integrationId, interval);
    }

    /** The lattice of {@code integrationId} in {@code intervalClass}. */
    public static JobSlots of(String integrationId, IntervalClass intervalClass) {
        return new JobSlots(integrationId, intervalClass);
    }

    /** The deterministic offset, in {@code [0, intervalMillis)}, of an integration's lattice for one interval. */
    public static long phase(String integrationId, long intervalMillis) {
        return Math.floorMod(mix(fnv1a(integrationId) ^ intervalMillis), intervalMillis);
    }

    /** This lattice's phase. */
    public long phase() {
        return phase;
    }

    /** When slot {@code n} is due, in epoch milliseconds. */
    public long slotTime(long n) {
        return phase + Math.floorDiv(Math.multiplyExact(n, interval), slots);
    }

    /** The last slot due at or before {@code epochMillis}. */
    public long lastSlotAtOrBefore(long epochMillis) {
        // Largest n with floor(n*T/S) <= x, i.e. n*T < (x+1)*S.
        long x = epochMillis - phase;
        return Math.floorDiv(Math.multiplyExact(x + 1, (long) slots) - 1, interval);
    }

    /** The first slot due strictly after {@code epochMillis}. */
    public long firstSlotAfter(long epochMillis) {
        return lastSlotAtOrBefore(epochMillis) + 1;
    }

    /** The first slot due at or after {@code epochMillis}. */
    public long firstSlotAtOrAfter(long epochMillis) {
        return lastSlotAtOrBefore(epochMillis - 1) + 1;
    }

    /** The first target (index in the class) of slot {@code n}; the slot's others follow every {@code slots}. */
    public int firstTargetOf(long n) {
        return (int) Math.floorMod(n, (long) slots);
    }

    /** The targets collected in slot {@code n}. */
    public List<Target> targetsOf(long n) {
        List<Target> all = intervalClass.targets();
        int first = firstTargetOf(n);
        List<Target> out = new ArrayList<>(all.size() / slots + 1);
        for (int k = first; k < all.size(); k += slots) {
            out.add(all.get(k));
        }
        return out;
    }

    /** The integration this lattice belongs to. */
    public String integrationId() {
        return integrationId;
    }

    /** The interval class of this lattice. */
    public IntervalClass intervalClass() {
        return intervalClass;
    }

    private static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    // SplitMix64's finaliser: spreads FNV's weak low bits so phases are uniform even for sequential ids.
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
