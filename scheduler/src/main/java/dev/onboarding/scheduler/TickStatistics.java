package dev.onboarding.scheduler;

import dev.onboarding.contract.JobCause;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of what the scheduler did, shared by every task of one process: ticks and their cost, due-index
 * entries popped, jobs emitted (also by interval class), how far each task's due index is behind. Thread-safe;
 * read with {@link #snapshot()}; {@link SchedulerMetrics} publishes it.
 */
public final class TickStatistics {
    private final LongAdder ticks = new LongAdder();
    private final LongAdder tickNanos = new LongAdder();
    private final AtomicLong maxTickNanos = new AtomicLong();
    private final LongAdder entriesPopped = new LongAdder();
    private final LongAdder entriesDropped = new LongAdder();
    private final LongAdder periodicJobs = new LongAdder();
    private final LongAdder initialJobs = new LongAdder();
    private final LongAdder cappedTicks = new LongAdder();
    private final LongAdder connects = new LongAdder();
    private final LongAdder disconnects = new LongAdder();
    private final LongAdder deadLetters = new LongAdder();
    private final LongAdder pauses = new LongAdder();
    private final LongAdder resumes = new LongAdder();
    private final LongAdder reverifications = new LongAdder();
    /** Jobs by interval class (millis), one adder per {@link JobCause} ordinal. */
    private final Map<Long, LongAdder[]> jobsByInterval = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> dueLagByTask = new ConcurrentHashMap<>();

    /**
     * A point-in-time copy.
     *
     * @param ticks punctuations run (one per task per tick, plus catch-up steps)
     * @param tickNanos total time spent in punctuations
     * @param maxTickNanos the slowest punctuation
     * @param entriesPopped due-index entries that were due and processed
     * @param entriesDropped due-index entries removed because their integration or class was gone
     * @param periodicJobs PERIODIC jobs emitted
     * @param initialJobs INITIAL jobs emitted
     * @param cappedTicks punctuations that stopped at the per-tick job cap (a catch-up step follows)
     * @param connects connections scheduled
     * @param disconnects connections unscheduled
     * @param deadLetters input records dead-lettered
     */
    public record Snapshot(long ticks, long tickNanos, long maxTickNanos, long entriesPopped, long entriesDropped,
            long periodicJobs, long initialJobs, long cappedTicks, long connects, long disconnects,
            long deadLetters) {
        /** Mean punctuation time in microseconds. */
        public double meanTickMicros() {
            return ticks == 0 ? 0 : tickNanos / 1000.0 / ticks;
        }

        /** Every job emitted. */
        public long jobs() {
            return periodicJobs + initialJobs;
        }

        /** The change from {@code earlier} to this snapshot (max is kept as is). */
        public Snapshot minus(Snapshot earlier) {
            return new Snapshot(ticks - earlier.ticks, tickNanos - earlier.tickNanos, maxTickNanos,
                    entriesPopped - earlier.entriesPopped, entriesDropped - earlier.entriesDropped,
                    periodicJobs - earlier.periodicJobs, initialJobs - earlier.initialJobs,
                    cappedTicks - earlier.cappedTicks, connects - earlier.connects, disconnects - earlier.disconnects,
                    deadLetters - earlier.deadLetters);
        }
    }

    void recordTick(long nanos, long popped, long dropped, long jobs, boolean capped) {
        ticks.increment();
        tickNanos.add(nanos);
        maxTickNanos.accumulateAndGet(nanos, Math::max);
        entriesPopped.add(popped);
        entriesDropped.add(dropped);
        periodicJobs.add(jobs);
        if (capped) {
            cappedTicks.increment();
        }
    }

    void recordConnect(long initialJobCount) {
        connects.increment();
        initialJobs.add(initialJobCount);
    }

    void recordDisconnect() {
        disconnects.increment();
    }

    void recordDeadLetter() {
        deadLetters.increment();
    }

    /** An integration's jobs paused (its role UNREACHABLE) or resumed. */
    void recordPause(boolean paused) {
        (paused ? pauses : resumes).increment();
    }

    /** A re-verification of a connected role requested. */
    void recordReverification() {
        reverifications.increment();
    }

    /** How many re-verifications were requested. */
    public long reverifications() {
        return reverifications.sum();
    }

    /** How many times integrations' jobs were paused. */
    public long pauses() {
        return pauses.sum();
    }

    /** How many times integrations' jobs were resumed. */
    public long resumes() {
        return resumes.sum();
    }

    void recordJobs(long intervalMillis, JobCause cause, long count) {
        jobsByInterval.computeIfAbsent(intervalMillis, i -> newAdders())[cause.ordinal()].add(count);
    }

    /** How long the oldest entry of {@code task}'s due index was due when its tick ran (0: nothing was late). */
    void recordDueLag(String task, long lagMillis) {
        dueLagByTask.computeIfAbsent(task, t -> new AtomicLong()).set(lagMillis);
    }

    /** The task left this instance: its lag no longer counts. */
    void forgetTask(String task) {
        dueLagByTask.remove(task);
    }

    /** Jobs emitted so far for one interval class and cause. */
    public long jobs(long intervalMillis, JobCause cause) {
        LongAdder[] adders = jobsByInterval.get(intervalMillis);
        return adders == null ? 0 : adders[cause.ordinal()].sum();
    }

    /** The largest due-index lag among this instance's tasks, in milliseconds. */
    public long maxDueLagMillis() {
        return dueLagByTask.values().stream().mapToLong(AtomicLong::get).max().orElse(0);
    }

    private static LongAdder[] newAdders() {
        LongAdder[] adders = new LongAdder[JobCause.values().length];
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /** The totals so far. */
    public Snapshot snapshot() {
        return new Snapshot(ticks.sum(), tickNanos.sum(), maxTickNanos.get(), entriesPopped.sum(),
                entriesDropped.sum(), periodicJobs.sum(), initialJobs.sum(), cappedTicks.sum(), connects.sum(),
                disconnects.sum(), deadLetters.sum());
    }
}
