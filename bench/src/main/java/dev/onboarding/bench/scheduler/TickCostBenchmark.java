package dev.onboarding.bench.scheduler;

import static dev.onboarding.bench.scheduler.ThroughputBenchmark.sleep;
import static dev.onboarding.bench.scheduler.ThroughputBenchmark.waitFor;

import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.scheduler.JobCatalog;
import dev.onboarding.scheduler.JobCatalog.ResourceType;
import dev.onboarding.scheduler.SchedulerApp;
import dev.onboarding.scheduler.TickStatistics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * (c) The cost of a tick with 1% of the integrations due versus none, for several numbers of integrations. Each
 * account has one job (one regional type in one region) in one slot per interval: with a 100 s interval, 1% of the
 * accounts are due every second; with a 31-day interval, practically none are. The cost is the scheduler's own
 * punctuation time, per partition.
 */
final class TickCostBenchmark {
    private final EmbeddedKafka kafka;
    private final int partitions;
    private final Duration measure;

    TickCostBenchmark(EmbeddedKafka kafka, int partitions, Duration measure) {
        this.kafka = kafka;
        this.partitions = partitions;
        this.measure = measure;
    }

    /** One measurement. */
    record Result(int integrations, boolean onePercentDue, long ticks, double meanTickMicros, double maxTickMillis,
            double entriesPerTick) {
    }

    Result run(int integrations, boolean onePercentDue) {
        Duration interval = onePercentDue ? Duration.ofSeconds(100) : Duration.ofDays(31);
        JobCatalog catalog = JobCatalog.of(List.of(new ResourceType("ec2", "AWS::EC2::Instance", false, interval)));
        Map<String, String> settings = Map.of("scheduler.regions", "us-east-1", "scheduler.slot-spacing", "1d");
        try (SchedulerDeployment deployment = new SchedulerDeployment(kafka, "tick", partitions, settings)) {
            deployment.seed(integrations, Instant.now().minus(Duration.ofDays(40)));
            SchedulerApp app = deployment.app(catalog);
            try {
                app.start();
                waitFor(() -> app.statistics().snapshot().connects() >= integrations, Duration.ofMinutes(5),
                        "the scheduler to take in the seeded integrations");
                sleep(Duration.ofSeconds(5));
                TickStatistics.Snapshot before = app.statistics().snapshot();
                sleep(measure);
                TickStatistics.Snapshot delta = app.statistics().snapshot().minus(before);
                return new Result(integrations, onePercentDue, delta.ticks(), delta.meanTickMicros(),
                        delta.maxTickNanos() / 1e6, delta.entriesPopped() / (double) Math.max(1, delta.ticks()));
            } finally {
                app.close();
            }
        }
    }

    static void print(List<Result> results, int partitions) {
        System.out.printf(Locale.ROOT, "  %12s  %-9s  %6s  %15s  %13s  %18s%n", "integrations", "due", "ticks",
                "mean tick (us)", "max tick (ms)", "due entries/tick");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "  %,12d  %-9s  %6d  %15.1f  %13.2f  %18.2f%n", r.integrations(),
                    r.onePercentDue() ? "1%" : "none", r.ticks(), r.meanTickMicros(), r.maxTickMillis(),
                    r.entriesPerTick());
        }
        System.out.printf(Locale.ROOT, "  (per partition: %d partitions share the integrations; a wall-clock tick "
                + "runs one punctuation per partition)%n", partitions);
    }
}
