package dev.onboarding.bench.soak;

import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.scheduler.JobCatalog;
import dev.onboarding.schemas.topics.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One soak run, end to end: starts the stack, drives the plan through it with its faults, waits until the
 * scheduler has run well past the last disconnect, reads what the topics hold and returns the verdict.
 */
final class Soak {
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    private Soak() {
    }

    /** Runs the soak {@code options} describe; {@code progress} gets a line per phase. */
    static SoakReport run(SoakOptions options, java.io.PrintStream progress) {
        progress.println("soak: starting the broker, registry, queues, stand-ins and " + (options.processors() + 2)
                + " app JVMs");
        long t0 = System.nanoTime();
        try (SoakStack stack = SoakStack.start(options)) {
            progress.printf("soak: stack ready in %.1f s; work dir %s%n", (System.nanoTime() - t0) / 1e9,
                    stack.workDir());
            CustomResourceBodies bodies = new CustomResourceBodies(stack.s3().origin());
            SoakPlan plan = SoakPlan.of(options, bodies, stack.attackerTarget().origin());
            progress.println("soak: plan " + plan.counts() + ", " + plan.integrations().size() + " integrations");
            try (JobWatch jobs = JobWatch.start(stack.kafka().bootstrapServers(), stack.catalog().collectionJobs())) {
                SoakDriver.Observations seen = new SoakDriver(stack, plan, options).run();
                progress.printf("soak: %,d messages sent, %,d answers delivered; reading the topics%n", seen.sent(),
                        seen.answers().size());
                SoakChecks.TopicContents topics = read(stack);
                awaitJobsPastLastDisconnect(topics, jobs, options, progress);
                awaitRead(jobs, stack);
                // Read again: the integration states of late answers may have landed meanwhile.
                topics = read(stack);
                SoakReport report = SoakChecks.verdict(plan, options, seen, topics, jobs,
                        initialJobsPerAccount(options), stack.attackerTarget().requestCount(), stack.apps());
                report.figure("machine: %d cores, %s %s, max heap %d MB (this JVM; each app JVM -Xmx%s)",
                        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                        System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20,
                        options.childHeap());
                if (!report.passed()) {
                    for (ChildJvm app : stack.apps()) {
                        report.note(app.name() + " log tail:\n" + app.tail(25));
                    }
                }
                return report;
            }
        }
    }

    /** Jobs per account in the initial burst: global types once, regional ones in every region. */
    static int initialJobsPerAccount(SoakOptions options) {
        int jobs = 0;
        for (JobCatalog.ResourceType type : JobCatalog.defaults().types()) {
            jobs += type.global() ? 1 : options.regions().size();
        }
        return jobs;
    }

    /**
     * The check "no job after a disconnect" means something only if the scheduler kept scheduling past the last
     * disconnect plus the allowance: waits until a periodic job for a later slot was read.
     */
    private static void awaitJobsPastLastDisconnect(SoakChecks.TopicContents topics, JobWatch jobs,
            SoakOptions options, java.io.PrintStream progress) {
        Instant lastDisconnect = topics.integrations().values().stream()
                .filter(i -> "DISCONNECTED".equals(i.getStatus().name()))
                .map(Integration::getUpdatedAt).max(Instant::compareTo).orElse(null);
        if (lastDisconnect == null) {
            return;
        }
        long wanted = lastDisconnect.plus(options.jobAllowance()).toEpochMilli();
        progress.printf("soak: waiting for periodic jobs scheduled after %s (last disconnect + %d s)%n",
                Instant.ofEpochMilli(wanted), options.jobAllowance().toSeconds());
        long deadline = System.nanoTime() + options.jobAllowance().toNanos() + options.patience().toNanos();
        while (jobs.latestPeriodicSlot() <= wanted && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250)); // the scheduler's slots come due in time
        }
    }

    private static void awaitRead(JobWatch jobs, SoakStack stack) {
        Map<TopicPartition, Long> end = endOffsets(stack, stack.catalog().collectionJobs().name());
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (!jobs.hasRead(end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job watch did not catch up within " + READ_TIMEOUT);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // the watch is reading
        }
    }

    private static SoakChecks.TopicContents read(SoakStack stack) {
        List<CfnResponse> responses = new ArrayList<>();
        readAll(stack, stack.catalog().cfnResponses(), r -> responses.add(r.value()));
        Map<String, Integration> integrations = new HashMap<>();
        readAll(stack, stack.catalog().integrations(), r -> {
            if (r.value() != null) {
                integrations.put(r.key(), r.value());
            }
        });
        List<DeadLetter> deadLetters = new ArrayList<>();
        readAll(stack, stack.catalog().cfnCallbacksDlq(), r -> deadLetters.add(r.value()));
        return new SoakChecks.TopicContents(responses, integrations, deadLetters);
    }

    private static <V> void readAll(SoakStack stack, Topic<String, V> topic,
            java.util.function.Consumer<ConsumerRecord<String, V>> sink) {
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(consumerProps(stack), new StringDeserializer(),
                topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), READ_TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic.name() + " within " + READ_TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(sink);
            }
        }
    }

    private static Map<TopicPartition, Long> endOffsets(SoakStack stack, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(stack),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions, READ_TIMEOUT);
        }
    }

    private static Properties consumerProps(SoakStack stack) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return props;
    }
}
