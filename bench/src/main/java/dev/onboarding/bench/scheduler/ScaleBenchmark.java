package dev.onboarding.bench.scheduler;

import static dev.onboarding.bench.scheduler.ThroughputBenchmark.sleep;
import static dev.onboarding.bench.scheduler.ThroughputBenchmark.waitFor;

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.scheduler.CollectionPlan;
import dev.onboarding.scheduler.CollectionPlan.IntervalClass;
import dev.onboarding.scheduler.JobCatalog;
import dev.onboarding.scheduler.JobSlots;
import dev.onboarding.scheduler.SchedulerApp;
import dev.onboarding.scheduler.SchedulingTopology;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * (b) {@code integrations} connected accounts with the default catalog and regions, seeded as connected long ago
 * (no INITIAL bursts): does the scheduler sustain the steady rate that catalog demands, how much heap and RocksDB
 * does it take, and how long does a restart take to restore the state, with and without the local state dir.
 */
final class ScaleBenchmark {
    private final EmbeddedKafka kafka;
    private final int partitions;
    private final int integrations;
    private final int threads;
    private final Duration window;

    ScaleBenchmark(EmbeddedKafka kafka, int partitions, int integrations, int threads, Duration window) {
        this.kafka = kafka;
        this.partitions = partitions;
        this.integrations = integrations;
        this.threads = threads;
        this.window = window;
    }

    /** The figures of one run. */
    record Result(int integrations, int jobsPerAccount, double demandPerSecond, long expectedJobs, long emittedJobs,
            long duplicateJobs, double emittedPerSecond, long lagP50Millis, long lagP99Millis, long lagMaxMillis,
            double intakeSeconds, long heapBaselineBytes, long heapBytes, long stateBytes,
            Map<String, Long> rocksDb, long indexChangelog,
            long accountsChangelog, double restartSeconds, double restoreSeconds, double meanTickMillis,
            double maxTickMillis) {
    }

    Result run() {
        JobCatalog catalog = JobCatalog.defaults();
        Map<String, String> settings = Map.of("scheduler.stream-threads", String.valueOf(threads));
        try (SchedulerDeployment deployment = new SchedulerDeployment(kafka, "scale", partitions, settings)) {
            CollectionPlan plan = deployment.config(catalog).plan();
            long heapBaseline = usedHeapAfterGc();
            List<String> ids = deployment.seed(integrations, Instant.now().minus(Duration.ofDays(40)));

            SchedulerApp app = deployment.app(catalog);
            long intakeStarted = System.nanoTime();
            app.start();
            waitFor(() -> app.statistics().snapshot().connects() >= integrations, Duration.ofMinutes(5),
                    "the scheduler to take in the seeded integrations");
            double intakeSeconds = (System.nanoTime() - intakeStarted) / 1e9;
            // Weigh the heap at steady state, before the benchmark's own bookkeeping of the window grows.
            sleep(Duration.ofSeconds(5));
            long heap = usedHeapAfterGc();
            Instant windowStart = Instant.now().plusSeconds(5);
            Instant windowEnd = windowStart.plus(window);
            long expected = expectedJobs(plan, ids, windowStart, windowEnd);
            long[] lags = new long[(int) Math.min(Integer.MAX_VALUE - 8, expected * 2 + 1000)];
            int lagCount = 0;
            long emitted = 0;
            Set<String> seen = new HashSet<>();
            long duplicates = 0;
            var ticksBefore = app.statistics().snapshot();
            try (KafkaConsumer<String, CollectionJob> consumer = deployment.jobsConsumer()) {
                // Read until every job of the window has had time to be emitted, committed and read.
                Instant stop = windowEnd.plusSeconds(5);
                while (Instant.now().isBefore(stop)) {
                    for (ConsumerRecord<String, CollectionJob> record : consumer.poll(Duration.ofMillis(200))) {
                        Instant slot = record.value().getScheduledFor();
                        if (slot.isAfter(windowStart) && !slot.isAfter(windowEnd)) {
                            emitted++;
                            if (!seen.add(record.value().getJobId())) {
                                duplicates++;
                            }
                            if (lagCount < lags.length) {
                                lags[lagCount++] = System.currentTimeMillis() - slot.toEpochMilli();
                            }
                        }
                    }
                }
            }
            var ticks = app.statistics().snapshot().minus(ticksBefore);
            long[] sorted = Arrays.copyOf(lags, lagCount);
            Arrays.sort(sorted);
            Map<String, Long> rocks = rocksDbProperties(app);
            String changelogPrefix = deployment.applicationId() + "-";
            long indexChangelog = deployment.endOffsets(changelogPrefix + SchedulingTopology.INDEX_STORE
                    + "-changelog", partitions);
            long accountsChangelog = deployment.endOffsets(changelogPrefix + SchedulingTopology.ACCOUNTS_STORE
                    + "-changelog", partitions);
            app.close();
            // A clean close flushes the memtables: the state dir now holds everything in SST files.
            long state = deployment.stateBytes();

            double restart = timeToRunning(deployment, catalog);
            deployment.wipeState();
            double restore = timeToRunning(deployment, catalog);

            return new Result(integrations, plan.jobCount(), plan.jobsPerSecondPerAccount() * integrations, expected,
                    emitted, duplicates, emitted / (double) window.toSeconds(), percentile(sorted, 0.50),
                    percentile(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1], intakeSeconds,
                    heapBaseline, heap, state, rocks, indexChangelog, accountsChangelog, restart, restore,
                    ticks.meanTickMicros() / 1000.0, ticks.maxTickNanos() / 1e6);
        }
    }

    /** RocksDB's own figures (Kafka Streams' state-store metrics), summed over every store and partition. */
    static Map<String, Long> rocksDbProperties(SchedulerApp app) {
        List<String> names = List.of("estimate-num-keys", "cur-size-all-mem-tables", "total-sst-files-size",
                "block-cache-usage", "estimate-table-readers-mem");
        Map<String, Long> sums = new java.util.LinkedHashMap<>();
        names.forEach(n -> sums.put(n, 0L));
        app.streams().metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-state-metrics") && sums.containsKey(name.name())
                    && metric.metricValue() instanceof Number value) {
                sums.merge(name.name(), value.longValue(), Long::sum);
            }
        });
        return sums;
    }

    private static double timeToRunning(SchedulerDeployment deployment, JobCatalog catalog) {
        SchedulerApp app = deployment.app(catalog);
        long started = System.nanoTime();
        try {
            app.start();
            waitFor(app::isReady, Duration.ofMinutes(10), "the scheduler to restore its state");
            return (System.nanoTime() - started) / 1e9;
        } finally {
            app.close();
        }
    }

    /** How many jobs the plan calls for with a slot in {@code (from, to]}, from the slot arithmetic alone. */
    static long expectedJobs(CollectionPlan plan, List<String> ids, Instant from, Instant to) {
        long count = 0;
        for (String id : ids) {
            for (IntervalClass c : plan.classes()) {
                JobSlots slots = JobSlots.of(id, c);
                for (long n = slots.firstSlotAfter(from.toEpochMilli()); slots.slotTime(n) <= to.toEpochMilli(); n++) {
                    count += slots.targetsOf(n).size();
                }
            }
        }
        return count;
    }

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            sleep(Duration.ofMillis(200));
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    static void print(Result r) {
        double mb = 1024 * 1024;
        System.out.printf(Locale.ROOT, "  %,d integrations x %,d jobs each; demand %,.0f jobs/s%n", r.integrations(),
                r.jobsPerAccount(), r.demandPerSecond());
        System.out.printf(Locale.ROOT, "  intake of the seeded integrations: %.1f s%n", r.intakeSeconds());
        System.out.printf(Locale.ROOT, "  window: %,d jobs due, %,d emitted (%,d duplicates) = %,.0f jobs/s; "
                + "lag slot->read p50 %d ms, p99 %d ms, max %d ms%n", r.expectedJobs(), r.emittedJobs(),
                r.duplicateJobs(), r.emittedPerSecond(), r.lagP50Millis(), r.lagP99Millis(), r.lagMaxMillis());
        System.out.printf(Locale.ROOT, "  ticks: mean %.2f ms, max %.1f ms per partition%n", r.meanTickMillis(),
                r.maxTickMillis());
        System.out.printf(Locale.ROOT, "  heap after GC at steady state: %.0f MB (%.0f MB before seeding; broker and "
                + "benchmark in the same JVM)%n",
                r.heapBytes() / mb, r.heapBaselineBytes() / mb);
        System.out.printf(Locale.ROOT, "  RocksDB while running: %,d keys, memtables %.1f MB, SST files %.1f MB, block "
                + "cache %.1f MB, table readers %.1f MB; state dir after a clean close %.1f MB%n",
                r.rocksDb().get("estimate-num-keys"), r.rocksDb().get("cur-size-all-mem-tables") / mb,
                r.rocksDb().get("total-sst-files-size") / mb, r.rocksDb().get("block-cache-usage") / mb,
                r.rocksDb().get("estimate-table-readers-mem") / mb, r.stateBytes() / mb);
        System.out.printf(Locale.ROOT, "  changelog records: due index %,d, accounts %,d%n", r.indexChangelog(),
                r.accountsChangelog());
        System.out.printf(Locale.ROOT, "  restart with local state: %.1f s to RUNNING; from changelogs only: %.1f s%n",
                r.restartSeconds(), r.restoreSeconds());
        System.out.printf(Locale.ROOT, "  RESULT scale: %s the demanded rate (%,d of %,d due jobs, %.2f%%)%n",
                r.emittedJobs() >= r.expectedJobs() && r.duplicateJobs() == 0 ? "sustained" : "DID NOT sustain",
                r.emittedJobs(), r.expectedJobs(), 100.0 * r.emittedJobs() / Math.max(1, r.expectedJobs()));
    }
}
