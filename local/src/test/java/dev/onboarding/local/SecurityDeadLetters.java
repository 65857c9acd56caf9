package dev.onboarding.local;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * Reads the three dead-letter topics from the beginning (read_committed) as an operator's tool would, and keeps
 * every dead letter by topic and key: the ingress keys them by SQS message id, the responder by RequestId, the
 * processor's request intake by integration id.
 */
final class SecurityDeadLetters implements AutoCloseable {
    private final Map<String, Map<String, List<DeadLetter>>> byTopic = new ConcurrentHashMap<>();
    private final Map<String, Topic<String, DeadLetter>> topics = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final CountDownLatch assigned = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    private SecurityDeadLetters(String bootstrapServers, TopicCatalog catalog) {
        for (Topic<String, DeadLetter> topic : List.of(catalog.cfnCallbacksDlq(), catalog.cfnResponsesDlq(),
                catalog.integrationRequestsDlq())) {
            topics.put(topic.name(), topic);
            byTopic.put(topic.name(), new ConcurrentHashMap<>());
        }
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "security-suite-dead-letters"),
                new StringDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::consume, "security-suite-dead-letters");
        thread.setDaemon(true);
    }

    /** Starts reading; returns once every partition is assigned. */
    static SecurityDeadLetters start(String bootstrapServers, TopicCatalog catalog, Duration timeout) {
        SecurityDeadLetters watch = new SecurityDeadLetters(bootstrapServers, catalog);
        watch.thread.start();
        try {
            if (!watch.assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                watch.close();
                throw new IllegalStateException("cannot read the dead-letter topics", watch.failure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            watch.close();
            throw new IllegalStateException("interrupted");
        }
        return watch;
    }

    /** The dead letters of {@code topic} under {@code key} read so far. */
    List<DeadLetter> find(String topic, String key) {
        if (failure != null) {
            throw new IllegalStateException("the dead-letter reader stopped", failure);
        }
        return List.copyOf(byTopic.get(topic).getOrDefault(key, List.of()));
    }

    /** Waits up to {@link SecurityStack#PATIENCE} for the first dead letter of {@code topic} under {@code key}. */
    DeadLetter await(String topic, String key) {
        return awaitAll(topic, List.of(key)).get(key);
    }

    /** Waits up to {@link SecurityStack#PATIENCE} until every key has a dead letter in {@code topic}; the firsts. */
    Map<String, DeadLetter> awaitAll(String topic, List<String> keys) {
        Awaitility.await("dead letters on " + topic).atMost(SecurityStack.PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> keys.stream().allMatch(k -> !find(topic, k).isEmpty()));
        Map<String, DeadLetter> first = new ConcurrentHashMap<>();
        keys.forEach(k -> first.put(k, find(topic, k).get(0)));
        return first;
    }

    /** Waits up to {@link SecurityStack#PATIENCE} until {@code topic} has {@code count} dead letters of {@code key}. */
    List<DeadLetter> awaitCount(String topic, String key, int count) {
        Awaitility.await(count + " dead letters of " + key + " on " + topic).atMost(SecurityStack.PATIENCE)
                .pollInterval(Duration.ofMillis(100)).until(() -> find(topic, key).size() >= count);
        return find(topic, key);
    }

    private void consume() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics.keySet()) {
                consumer.partitionsFor(topic, SecurityStack.PATIENCE)
                        .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position);
            assigned.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    DeadLetter letter = topics.get(record.topic()).valueSerde().deserializer()
                            .deserialize(record.topic(), record.value());
                    byTopic.get(record.topic()).computeIfAbsent(String.valueOf(record.key()),
                            k -> new CopyOnWriteArrayList<>()).add(letter);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
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
    }
}
