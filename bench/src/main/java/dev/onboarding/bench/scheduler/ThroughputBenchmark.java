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
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
    private final EmbeddedKafka kafka;
    private final int partitions;
    private final int integrations;
    private final Duration interval;
    private final int threads;
    private final Duration measure;
    private final Map<String, String> producerTuning;
    private final Map<String, String> schedulerSettings;

    /** {@code producerTuning} (producer configs) is given to both the raw producer and the scheduler's producer. */
    ThroughputBenchmark(EmbeddedKafka kafka, int partitions, int integrations, Duration interval, int threads,
            Duration measure, Map<String, String> producerTuning, Map<String, String> schedulerSettings) {
        this.producerTuning = Map.copyOf(producerTuning);
        this.schedulerSettings = Map.copyOf(schedulerSettings);
        this.kafka = kafka;
        this.partitions = partitions;
        this.integrations = integrations;
        this.interval = interval;
        this.threads = threads;
        this.measure = measure;
    }

    /** The figures of one run. */
    record Result(int recordBytes, double rawPerSecond, double rawTransactionalPerSecond, double jobsPerSecond,
            double jobsPerSecondByOffsets, double demandPerSecond, long ticks, double meanTickMillis,
            double jobsPerEntry) {
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

            // Best of three each: the first run also warms the broker up.
            double raw = 0;
            double rawTx = 0;
            for (int i = 0; i < 3; i++) {
                raw = Math.max(raw, rawCeiling(sample, false));
                rawTx = Math.max(rawTx, rawCeiling(sample, true));
            }
            System.out.printf(Locale.ROOT, "  raw producer ceiling: %,.0f records/s (transactional: %,.0f)%n", raw,
                    rawTx);

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
                TickStatistics.Snapshot before = app.statistics().snapshot();
                long offsetsBefore = deployment.jobsEndOffset();
                long started = System.nanoTime();
                sleep(measure);
                TickStatistics.Snapshot delta = app.statistics().snapshot().minus(before);
                long offsets = deployment.jobsEndOffset() - offsetsBefore;
                double seconds = (System.nanoTime() - started) / 1e9;
                return new Result(sample.length, raw, rawTx, delta.periodicJobs() / seconds, offsets / seconds,
                        demand, delta.ticks(), delta.meanTickMicros() / 1000.0,
                        delta.periodicJobs() / (double) Math.max(1, delta.entriesPopped()));
            } finally {
                app.close();
            }
        }
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

    /** ProducerPerformance-style: one producer, sends as fast as it can, rate from first send to last ack. */
    private double rawCeiling(byte[] value, boolean transactional) {
        String topic = "bench-raw-" + (transactional ? "tx-" : "") + System.nanoTime();
        SchedulerDeployment.createTopic(kafka, topic, partitions);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putAll(producerTuning);
        if (transactional) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic);
        }
        byte[][] keys = new byte[1024][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = String.format("raw-integration-%07d", i).getBytes(StandardCharsets.UTF_8);
        }
        int warmUp = 300_000;
        int records = 1_500_000;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            if (transactional) {
                producer.initTransactions();
            }
            send(producer, topic, keys, value, warmUp, transactional);
            long started = System.nanoTime();
            send(producer, topic, keys, value, records, transactional);
            return records / ((System.nanoTime() - started) / 1e9);
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, byte[][] keys, byte[] value,
            int records, boolean transactional) {
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long commitEvery = Duration.ofMillis(100).toNanos();
        long lastCommit = System.nanoTime();
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
            // Commit on the same cadence as the scheduler's exactly-once transactions.
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
        if (failure.get() != null || acked.get() != records) {
            throw new IllegalStateException("raw producer lost records: " + acked.get() + "/" + records,
                    failure.get());
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
