package dev.onboarding.local;

import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches the pipeline's committed output for the local run's status line: integrations by status,
 * callbacks decided (distinct request ids on the responses topic) and collection jobs emitted.
 */
final class PipelineActivity implements AutoCloseable {
    private final TopicCatalog catalog;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, IntegrationStatus> statusById = new HashMap<>();
    private final Set<String> decidedRequests = new HashSet<>();
    private long jobs;

    PipelineActivity(String bootstrapServers, TopicCatalog catalog) {
        this.catalog = catalog;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::watch, "onboarding-local-activity");
        this.thread.setDaemon(true);
    }

    /** Starts watching from the beginning of every partition. */
    PipelineActivity start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(catalog.integrations().name(), catalog.cfnResponses().name(),
                catalog.collectionJobs().name())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread.start();
        return this;
    }

    private void watch() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    count(record);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private synchronized void count(ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(catalog.collectionJobs().name())) {
            jobs++;
        } else if (record.topic().equals(catalog.cfnResponses().name())) {
            decidedRequests.add(record.key());
        } else if (record.value() != null) {
            try {
                Integration state = catalog.integrations().valueSerde().deserializer()
                        .deserialize(record.topic(), record.value());
                statusById.put(state.getIntegrationId(), state.getStatus());
            } catch (RuntimeException e) {
                // The status line is best effort; the processor dead-letters what it cannot read.
            }
        }
    }

    /** Integrations by status, decided callbacks, emitted jobs. */
    synchronized String summary() {
        Map<IntegrationStatus, Integer> byStatus = new EnumMap<>(IntegrationStatus.class);
        statusById.values().forEach(s -> byStatus.merge(s, 1, Integer::sum));
        StringBuilder line = new StringBuilder("integrations");
        if (byStatus.isEmpty()) {
            line.append(" 0");
        }
        byStatus.forEach((status, n) -> line.append(' ').append(status.name().toLowerCase()).append('=').append(n));
        return line.append(" | callbacks decided ").append(decidedRequests.size())
                .append(" | jobs emitted ").append(jobs).toString();
    }

    @Override
    public void close() {
        running.set(false);
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
