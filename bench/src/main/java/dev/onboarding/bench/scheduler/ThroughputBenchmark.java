package dev.onboarding.bench.scheduler;

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.JobCause;
import dev.onboarding.embedded.EmbeddedKafka;
import dev.onboarding.scheduler.CollectionPlan;
import dev.onboarding.scheduler.JobCatalog;
import dev.onboarding.scheduler.JobIds;
import dev.onboarding.scheduler.SchedulerApp;
import dev.onboarding.scheduler.TickStatistics;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * (a) The most jobs per second the scheduler emits at steady state, against the raw producer ceiling of the same
 * broker measured in the same run: same record size, same partitions, same producer tuning, acks=all.
 *
 * <p>The scheduler is saturated on purpose: {@code integrations} accounts with the default catalog, every interval
 * cut to {@code interval}, demand far more jobs than it can emit, so what it emits is its ceiling. They are seeded
 * as connected long ago (no INITIAL bursts), so only the periodic path is measured.
 */
final class ThroughputBenchmark {
    private static final int RAW_RECORDS = 1_000_000;
    private final EmbeddedKafka kafka;
    private final int partitions;
    private final int integrations;
    private final Duration interval;
    private final int threads;
    private final Duration window;
    private final int rounds;
    private final Map<String, String> producerTuning;
    private final Map<String, String> schedulerSettings;

    /** {@code producerTuning} (producer configs) is given to both the raw producer and the scheduler's producer. */
    ThroughputBenchmark(EmbeddedKafka kafka, int partitions, int integrations, Duration interval, int threads,
            Duration measure, int rounds, Map<String, String> producerTuning, Map<String, String> schedulerSettings) {
        this.producerTuning = Map.copyOf(producerTuning);
        this.schedulerSettings = Map.copyOf(schedulerSettings);
        this.kafka = kafka;
        this.partitions = partitions;
        this.integrations = integrations;
        this.interval = interval;
        this.threads = threads;
        this.window = measure;
        this.rounds = rounds;
    }

    /** The figures of one run. */
    record Result(int recordBytes, double rawPerSecond, double rawTransactionalPerSecond, double jobsPerSecond,
            double jobsPerSecondByOffsets, double demandPerSecond, long ticks, double meanTickMillis,
            double jobsPerEntry, double ratio, double ratioTransactional, double cpuRatio) {
    }

    Result run() {
        JobCatalog fast = JobCatalog.defaults().withInterval(interval);
        Map<String, String> settings = new HashMap<>();
        producerTuning.forEach((k, v) -> settings.put("kafka." + k, v));
        settings.put("scheduler.slot-spacing", "1s");
        settings.put("scheduler.stream-threads", String.valueOf(threads));
        settings.putAll(schedulerSettings);
        try (SchedulerDeployment deployment = new SchedulerDeployment(kafka, "throughput", partitions, settings)) {
            byte[] sample = sampleJob(deployment, fast);
            System.out.printf(Locale.ROOT, "  one job serialized: %d bytes (Confluent framing included)%n",
                    sample.length);
            RawProducer plain = new RawProducer(sample, false);
            RawProducer transactional = new RawProducer(sample, true);
            // Warm the broker and both producers' code paths up.
            plain.measure(300_000);
            transactional.measure(300_000);

            CollectionPlan plan = deployment.config(fast).plan();
            double demand = plan.jobsPerSecondPerAccount() * integrations;
            deployment.seed(integrations, Instant.now().minus(Duration.ofDays(40)));
            // Take the accounts in under the default catalog first: a saturated scheduler reads its input slowly.
            SchedulerApp intake = deployment.app(JobCatalog.defaults());
            try {
                intake.start();
                waitFor(() -> intake.statistics().snapshot().connects() >= integrations, Duration.ofMinutes(5),
                        "the scheduler to take in the seeded integrations");
            } finally {
                intake.close();
            }
            // Then restart with every interval cut short: the plan change schedules the fast class for everyone.
            SchedulerApp app = deployment.app(fast);
            try {
                app.start();
                waitFor(app::isReady, Duration.ofMinutes(3), "the scheduler to restart");
                sleep(Duration.ofSeconds(15));
                // Interleave: scheduler window, pause it, raw producers, resume. Each ratio compares figures taken
                // a few seconds apart, so a neighbour's load on the machine hits both sides alike.
                List<Double> jobRates = new ArrayList<>();
                List<Double> rawRates = new ArrayList<>();
                List<Double> rawTxRates = new ArrayList<>();
                List<Double> cpuRatios = new ArrayList<>();
                TickStatistics.Snapshot total = null;
                long offsetJobs = 0;
                double seconds = 0;
                for (int round = 0; round < rounds; round++) {
                    TickStatistics.Snapshot before = app.statistics().snapshot();
                    long offsetsBefore = deployment.jobsEndOffset();
                    long started = System.nanoTime();
                    long windowStart = System.currentTimeMillis();
                    ThreadCpu schedulerCpu = ThreadCpu.start();
                    sleep(window);
                    Map<String, Double> schedulerUse = schedulerCpu.stop();
                    long windowEnd = System.currentTimeMillis();
                    TickStatistics.Snapshot delta = app.statistics().snapshot().minus(before);
                    double elapsed = (System.nanoTime() - started) / 1e9;
                    offsetJobs += deployment.jobsEndOffset() - offsetsBefore;
                    seconds += elapsed;
                    total = total == null ? delta : sum(total, delta);
                    jobRates.add(delta.periodicJobs() / elapsed);
                    String schedulerProducers = batching(app.streams().metrics());
                    app.streams().pause();
                    sleep(Duration.ofSeconds(2));
                    ThreadCpu rawCpu = ThreadCpu.start();
                    rawRates.add(plain.measure(RAW_RECORDS));
                    Map<String, Double> rawUse = rawCpu.stop();
                    ThreadCpu rawTxCpu = ThreadCpu.start();
                    rawTxRates.add(transactional.measure(RAW_RECORDS));
                    Map<String, Double> rawTxUse = rawTxCpu.stop();
                    app.streams().resume();
                    sleep(Duration.ofSeconds(3));
                    System.out.printf(Locale.ROOT, "  round %d: scheduler %,.0f jobs/s, raw %,.0f/s, raw transactional "
                            + "%,.0f/s, ratio %.2fx, load %.1f (scheduler window %d-%d)%n", round + 1,
                            jobRates.get(round), rawRates.get(round), rawTxRates.get(round),
                            jobRates.get(round) / rawRates.get(round), SchedulerBenchmark.loadAverage(), windowStart,
                            windowEnd);
                    // Where the cores went on each side, and the whole JVM's CPU per record (broker included).
                    cpuRatios.add(ThreadCpu.microsPerRecord(rawUse, RAW_RECORDS)
                            / ThreadCpu.microsPerRecord(schedulerUse, delta.periodicJobs()));
                    System.out.printf(Locale.ROOT, "    scheduler: %.2f CPU-us/job; %s; %s%n",
                            ThreadCpu.microsPerRecord(schedulerUse, delta.periodicJobs()),
                            ThreadCpu.describe(schedulerUse), schedulerProducers);
                    System.out.printf(Locale.ROOT, "    raw: %.2f CPU-us/record; %s; %s%n",
                            ThreadCpu.microsPerRecord(rawUse, RAW_RECORDS), ThreadCpu.describe(rawUse),
                            batching(plain.producer.metrics()));
                    System.out.printf(Locale.ROOT, "    raw transactional: %.2f CPU-us/record; %s; %s%n",
                            ThreadCpu.microsPerRecord(rawTxUse, RAW_RECORDS), ThreadCpu.describe(rawTxUse),
                            batching(transactional.producer.metrics()));
                }
                plain.close();
                transactional.close();
                return new Result(sample.length, median(rawRates), median(rawTxRates), median(jobRates),
                        offsetJobs / seconds, demand, total.ticks(), total.meanTickMicros() / 1000.0,
                        total.periodicJobs() / (double) Math.max(1, total.entriesPopped()),
                        median(ratios(jobRates, rawRates)), median(ratios(jobRates, rawTxRates)), median(cpuRatios));
            } finally {
                app.close();
            }
        }
    }

    /**
     * How the producers batched (means over the producers, over the client's 30 s metric window): records per produce
     * request and bytes per batch. Fewer records per request means more per-request work in the sender and the
     * broker for each record.
     */
    static String batching(Map<MetricName, ? extends Metric> metrics) {
        double recordsPerRequest = 0;
        double batchBytes = 0;
        int producers = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            if (!e.getKey().group().equals("producer-metrics")) {
                continue;
            }
            Object value = e.getValue().metricValue();
            if (!(value instanceof Double number) || number.isNaN()) {
                continue;
            }
            if (e.getKey().name().equals("records-per-request-avg")) {
                recordsPerRequest += number;
                producers++;
            } else if (e.getKey().name().equals("batch-size-avg")) {
                batchBytes += number;
            }
        }
        return producers == 0 ? "no producer metrics" : String.format(Locale.ROOT,
                "%.0f records/request, %.0f bytes/batch", recordsPerRequest / producers, batchBytes / producers);
    }

    private static List<Double> ratios(List<Double> jobs, List<Double> raw) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            out.add(jobs.get(i) / raw.get(i));
        }
        return out;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static TickStatistics.Snapshot sum(TickStatistics.Snapshot a, TickStatistics.Snapshot b) {
        return new TickStatistics.Snapshot(a.ticks() + b.ticks(), a.tickNanos() + b.tickNanos(),
                Math.max(a.maxTickNanos(), b.maxTickNanos()), a.entriesPopped() + b.entriesPopped(),
                a.entriesDropped() + b.entriesDropped(), a.periodicJobs() + b.periodicJobs(),
                a.initialJobs() + b.initialJobs(), a.cappedTicks() + b.cappedTicks(), a.connects() + b.connects(),
                a.disconnects() + b.disconnects(), a.deadLetters() + b.deadLetters());
    }

    private byte[] sampleJob(SchedulerDeployment deployment, JobCatalog catalog) {
        String id = String.format("%s-%07d", deployment.applicationId(), 42);
        var integration = SchedulerDeployment.integration(id, Instant.now());
        CollectionPlan.Target target = deployment.config(catalog).plan().classes().get(0).targets().get(0);
        long slot = Instant.now().toEpochMilli();
        CollectionJob job = new CollectionJob(JobIds.of(id, target.resourceType(), target.region(), slot), id,
                integration.getTenantId(), integration.getAccountId(), integration.getRoleArn(),
                integration.getExternalId(), target.region(), target.service(), target.resourceType(),
                Instant.ofEpochMilli(slot), Instant.ofEpochMilli(slot + interval.toMillis()), JobCause.PERIODIC);
        return AvroSerde.forValues(CollectionJob.class, InMemorySchemaRegistry.scope("bench-sample"), true)
                .serialize(deployment.jobsTopic(), job);
    }

    /**
     * ProducerPerformance-style: one producer sends pre-serialized records of the job's size as fast as it can,
     * acks=all, same partitions and producer tuning as the scheduler; the rate runs from the first send to the last
     * acknowledgement. The transactional variant commits every 100 ms like an exactly-once application would.
     */
    private final class RawProducer implements AutoCloseable {
        private final byte[] value;
        private final boolean transactional;
        private final String topic;
        final KafkaProducer<byte[], byte[]> producer;
        private final byte[][] keys = new byte[1024][];

        RawProducer(byte[] value, boolean transactional) {
            this.value = value;
            this.transactional = transactional;
            this.topic = "bench-raw-" + (transactional ? "tx-" : "") + System.nanoTime();
            SchedulerDeployment.createTopic(kafka, topic, partitions);
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.putAll(producerTuning);
            if (transactional) {
                props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic);
            }
            for (int i = 0; i < keys.length; i++) {
                keys[i] = String.format("raw-integration-%07d", i).getBytes(StandardCharsets.UTF_8);
            }
            producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
            if (transactional) {
                producer.initTransactions();
            }
        }

        /** Sends {@code records} and returns records per second. */
        double measure(int records) {
            AtomicLong acked = new AtomicLong();
            AtomicReference<Exception> failure = new AtomicReference<>();
            long commitEvery = Duration.ofMillis(100).toNanos();
            long started = System.nanoTime();
            long lastCommit = started;
            if (transactional) {
                producer.beginTransaction();
            }
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, keys[i % keys.length], value), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    acked.incrementAndGet();
                });
                if (transactional && System.nanoTime() - lastCommit > commitEvery) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                    lastCommit = System.nanoTime();
                }
            }
            if (transactional) {
                producer.commitTransaction();
            }
            producer.flush();
            double rate = records / ((System.nanoTime() - started) / 1e9);
            if (failure.get() != null || acked.get() != records) {
                throw new IllegalStateException("raw producer lost records: " + acked.get() + "/" + records,
                        failure.get());
            }
            return rate;
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            sleep(Duration.ofMillis(200));
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
