package dev.onboarding.scheduler;

import dev.onboarding.contract.JobCause;
import dev.onboarding.scheduler.CollectionPlan.IntervalClass;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Publishes the scheduler's {@link TickStatistics} as Prometheus meters: read when scraped, so the stream threads
 * pay nothing more than the adders they already keep. Names (Micrometer adds {@code _total} and units):
 * <ul>
 *   <li>{@code scheduler_jobs_emitted_total{interval,cause}}: jobs by interval class ({@code 15m}, {@code 1h},
 *       {@code 1d}) and cause ({@code INITIAL}, {@code PERIODIC})</li>
 *   <li>{@code scheduler_due_index_lag_seconds}: how long the oldest due entry had been due when its tick ran,
 *       the largest over this instance's tasks (about a tick when keeping up; it grows while catching up)</li>
 *   <li>{@code scheduler_ticks_total}, {@code scheduler_ticks_capped_total} (stopped at
 *       {@code scheduler.max-jobs-per-tick}), {@code scheduler_tick_duration_seconds_count/_sum}</li>
 *   <li>{@code scheduler_due_entries_total{result=emitted|dropped}}, {@code scheduler_connections_total{event}}
 *       ({@code connected}, {@code disconnected}, {@code paused} and {@code resumed}: jobs of an UNREACHABLE role),
 *       {@code scheduler_reverifications_total} (role re-verifications requested),
 *       {@code scheduler_dead_letters_total}</li>
 * </ul>
 */
public final class SchedulerMetrics {
    private SchedulerMetrics() {
    }

    /** Registers meters over {@code statistics} for every interval class of {@code plan}. */
    public static void bind(TickStatistics statistics, CollectionPlan plan, MeterRegistry registry) {
        for (IntervalClass c : plan.classes()) {
            for (JobCause cause : JobCause.values()) {
                FunctionCounter.builder("scheduler.jobs.emitted", statistics, s -> s.jobs(c.intervalMillis(), cause))
                        .tag("interval", label(c.interval())).tag("cause", cause.name())
                        .description("Collection jobs emitted, by interval class and cause").register(registry);
            }
        }
        Gauge.builder("scheduler.due.index.lag", statistics, s -> s.maxDueLagMillis() / 1000.0).baseUnit("seconds")
                .description("How long the oldest due entry had waited when its tick ran (largest over tasks)")
                .register(registry);
        counter(registry, "scheduler.ticks", statistics, s -> s.snapshot().ticks(), "Punctuations run");
        counter(registry, "scheduler.ticks.capped", statistics, s -> s.snapshot().cappedTicks(),
                "Punctuations that stopped at scheduler.max-jobs-per-tick (a catch-up step follows)");
        FunctionTimer.builder("scheduler.tick.duration", statistics, s -> s.snapshot().ticks(),
                        s -> s.snapshot().tickNanos(), TimeUnit.NANOSECONDS)
                .description("Time spent in punctuations").register(registry);
        FunctionCounter.builder("scheduler.due.entries", statistics, s -> s.snapshot().entriesPopped())
                .tag("result", "emitted").description("Due-index entries processed").register(registry);
        FunctionCounter.builder("scheduler.due.entries", statistics, s -> s.snapshot().entriesDropped())
                .tag("result", "dropped").description("Due-index entries processed").register(registry);
        FunctionCounter.builder("scheduler.connections", statistics, s -> s.snapshot().connects())
                .tag("event", "connected").description("Connections scheduled and unscheduled").register(registry);
        FunctionCounter.builder("scheduler.connections", statistics, s -> s.snapshot().disconnects())
                .tag("event", "disconnected").description("Connections scheduled and unscheduled").register(registry);
        FunctionCounter.builder("scheduler.connections", statistics, TickStatistics::pauses)
                .tag("event", "paused").description("Connections scheduled and unscheduled").register(registry);
        FunctionCounter.builder("scheduler.connections", statistics, TickStatistics::resumes)
                .tag("event", "resumed").description("Connections scheduled and unscheduled").register(registry);
        FunctionCounter.builder("scheduler.reverifications", statistics, TickStatistics::reverifications)
                .description("Re-verifications of connected roles requested (POSITIVE_ONLY)").register(registry);
        counter(registry, "scheduler.dead.letters", statistics, s -> s.snapshot().deadLetters(),
                "Integration records dead-lettered");
    }

    private static void counter(MeterRegistry registry, String name, TickStatistics statistics,
            ToDoubleFunction<TickStatistics> value, String description) {
        FunctionCounter.builder(name, statistics, value).description(description).register(registry);
    }

    /** An interval as a short label: {@code 30s}, {@code 15m}, {@code 6h}, {@code 1d}. */
    static String label(Duration interval) {
        long seconds = interval.toSeconds();
        if (seconds > 0 && seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds > 0 && seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        if (seconds > 0 && seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds > 0 ? seconds + "s" : interval.toMillis() + "ms";
    }
}
