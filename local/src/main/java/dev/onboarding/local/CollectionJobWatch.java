package dev.onboarding.local;

import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.JobCause;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.serde.SchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the collection-jobs topic as a downstream collector would (read_committed, from the beginning) and
 * counts the jobs of each integration, so the demo can tell that jobs flow and that they stop.
 */
final class CollectionJobWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionJobWatch.class);

    /** What was seen for one integration. */
    static final class Seen {
        private final AtomicInteger jobs = new AtomicInteger();
        private final AtomicInteger initial = new AtomicInteger();
        private final AtomicLong lastArrivalNanos = new AtomicLong();

        /** Jobs seen. */
        int jobs() {
            return jobs.get();
        }

        /** Jobs of the INITIAL burst seen. */
        int initialJobs() {
            return initial.get();
        }

        /** {@code System.nanoTime()} when the last job arrived. */
        long lastArrivalNanos() {
            return lastArrivalNanos.get();
        }

        private void add(CollectionJob job) {
            if (job.getCause() == JobCause.INITIAL) {
                initial.incrementAndGet();
            }
            lastArrivalNanos.set(System.nanoTime());
            jobs.incrementAndGet();
        }
    }

    private final Map<String, Seen> byIntegration = new ConcurrentHashMap<>();
    private final AtomicInteger undecodable = new AtomicInteger();
    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerde<CollectionJob> serde;
    private final SchemaRegistry registry;
    private final String topic;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    private CollectionJobWatch(String bootstrapServers, String registryUrl, String topic) {
        this.topic = topic;
        this.registry = SchemaRegistries.connect(RegistrySettings.of(registryUrl));
        this.serde = AvroSerde.forValues(CollectionJob.class, registry, false);
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "onboarding-demo-job-watch"),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::consume, "onboarding-demo-job-watch");
        this.thread.setDaemon(true);
    }

    /** Starts watching {@code topic}; returns once every partition is assigned. */
    static CollectionJobWatch start(String bootstrapServers, String registryUrl, String topic, Duration timeout) {
        CollectionJobWatch watch = new CollectionJobWatch(bootstrapServers, registryUrl, topic);
        watch.thread.start();
        try {
            if (!watch.assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                watch.close();
                throw new IllegalStateException("cannot read topic " + topic + " within " + timeout.toSeconds()
                        + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            watch.close();
            throw new IllegalStateException("interrupted while starting to watch " + topic);
        }
        return watch;
    }

    /** What was seen for {@code integrationId} so far (empty counts when nothing). */
    Seen seen(String integrationId) {
        return byIntegration.computeIfAbsent(integrationId, id -> new Seen());
    }

    /** Records on the topic that were not collection jobs. */
    int undecodable() {
        return undecodable.get();
    }

    /** The topic watched. */
    String topic() {
        return topic;
    }

    private void consume() {
        try {
            List<TopicPartition> partitions = Optional.ofNullable(consumer.partitionsFor(topic, Duration.ofSeconds(60)))
                    .orElse(List.of()).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                LOG.warn("topic {} has no partitions", topic);
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position); // resolve the positions before saying we are ready
            assigned.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        seen(record.key()).add(serde.deserialize(topic, record.value()));
                    } catch (RuntimeException e) {
                        undecodable.incrementAndGet();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.warn("stopped watching {}: {}", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            registry.close();
        } catch (Exception e) {
            LOG.debug("closing the registry client failed", e);
        }
    }
}
