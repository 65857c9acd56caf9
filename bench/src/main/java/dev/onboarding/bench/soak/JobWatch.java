package dev.onboarding.bench.soak;

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.JobCause;
import dev.onboarding.schemas.topics.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code onboarding.collection-jobs} (read_committed) from the start for the whole run, as a collector
 * would, and keeps per integration what the soak checks: the distinct initial jobs, and the latest slot any job
 * was scheduled for.
 */
final class JobWatch implements AutoCloseable {

    /**
     * What one integration got.
     *
     * @param initialJobs    distinct INITIAL job ids
     * @param jobs           job records of any cause
     * @param latestSlot     the latest scheduledFor of any of its jobs (epoch ms)
     */
    record Jobs(int initialJobs, long jobs, long latestSlot) {
    }

    private static final class PerIntegration {
        final Set<Long> initial = new HashSet<>();
        long jobs;
        long latestSlot = Long.MIN_VALUE;
    }

    private final KafkaConsumer<String, CollectionJob> consumer;
    private final Map<String, PerIntegration> seen = new HashMap<>();
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile long latestPeriodicSlot = Long.MIN_VALUE;
    private volatile long records;
    private volatile RuntimeException failure;

    private JobWatch(String bootstrapServers, Topic<String, CollectionJob> topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "soak-job-watch");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), topic.valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(60)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        partitions.forEach(p -> positions.put(p, 0L));
        thread = new Thread(this::run, "soak-job-watch");
        thread.setDaemon(true);
    }

    /** Starts reading {@code topic}. */
    static JobWatch start(String bootstrapServers, Topic<String, CollectionJob> topic) {
        JobWatch watch = new JobWatch(bootstrapServers, topic);
        watch.thread.start();
        return watch;
    }

    private void run() {
        try {
            while (true) {
                for (ConsumerRecord<String, CollectionJob> record : consumer.poll(Duration.ofMillis(500))) {
                    take(record.key(), record.value());
                }
                try {
                    for (TopicPartition p : consumer.assignment()) {
                        positions.put(p, consumer.position(p, Duration.ofSeconds(5)));
                    }
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    // the broker is restarting: try again after the next poll
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void take(String integrationId, CollectionJob job) {
        synchronized (seen) {
            PerIntegration per = seen.computeIfAbsent(integrationId, k -> new PerIntegration());
            per.jobs++;
            long slot = job.getScheduledFor().toEpochMilli();
            per.latestSlot = Math.max(per.latestSlot, slot);
            if (job.getCause() == JobCause.INITIAL) {
                per.initial.add(fnv64(job.getJobId()));
            } else if (slot > latestPeriodicSlot) {
                latestPeriodicSlot = slot;
            }
        }
        records++;
    }

    // 64 bits, so that hundreds of ids per integration never collide in practice.
    private static long fnv64(String text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** The latest slot of any PERIODIC job read so far (epoch ms), or Long.MIN_VALUE. */
    long latestPeriodicSlot() {
        failIfBroken();
        return latestPeriodicSlot;
    }

    /** Job records read so far. */
    long records() {
        return records;
    }

    /** Whether the watch has read every partition up to {@code endOffsets}. */
    boolean hasRead(Map<TopicPartition, Long> endOffsets) {
        failIfBroken();
        return endOffsets.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    /** What {@code integrationId} got so far. */
    Jobs jobsOf(String integrationId) {
        synchronized (seen) {
            PerIntegration per = seen.get(integrationId);
            return per == null ? new Jobs(0, 0, Long.MIN_VALUE) : new Jobs(per.initial.size(), per.jobs, per.latestSlot);
        }
    }

    private void failIfBroken() {
        if (failure != null) {
            throw new IllegalStateException("the job watch stopped: " + failure, failure);
        }
    }

    @Override
    public void close() {
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
