package dev.onboarding.bench.soak;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where a genuine onboarding's time goes: follows the topics a Create crosses and records when each key was first
 * readable there (read_committed, as the next step reads it), so that the send-to-answer latency splits into
 * the SQS wait and the bridge, the processor's first pass, the verifier, the processor's decision, and the
 * responder. Callbacks, verification requests and results are keyed by external ID; answers by RequestId.
 */
final class GenuineStages implements AutoCloseable {
    /** The topics in the order a genuine Create crosses them. */
    private final List<String> topics;
    private final Map<String, Map<String, Instant>> seen = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    /** Starts following {@code topics} from their ends. */
    GenuineStages(String bootstrapServers, List<String> topics) {
        this.topics = List.copyOf(topics);
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            seen.put(topic, new ConcurrentHashMap<>());
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = new Thread(this::follow, "flood-genuine-stages");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        while (running) {
            var records = consumer.poll(Duration.ofMillis(50));
            Instant now = Instant.now();
            for (ConsumerRecord<String, byte[]> record : records) {
                if (record.key() != null) {
                    seen.get(record.topic()).putIfAbsent(record.key(), now);
                }
            }
        }
        consumer.close(Duration.ofSeconds(5));
    }

    /**
     * The stages' p50 and p99 in milliseconds for the onboardings given as (external ID, RequestId, sent,
     * answered) rows, a line per stage; a stage without a reading for an onboarding leaves it out.
     */
    List<String> breakdown(List<Timeline> onboardings) {
        List<String> lines = new ArrayList<>();
        List<String> names = new ArrayList<>();
        names.add("SQS send -> " + topics.get(0));
        for (int i = 1; i < topics.size(); i++) {
            names.add(topics.get(i - 1) + " -> " + topics.get(i));
        }
        names.add(topics.get(topics.size() - 1) + " -> answer at S3");
        for (int stage = 0; stage < names.size(); stage++) {
            List<Long> millis = new ArrayList<>();
            for (Timeline t : onboardings) {
                Instant from = stage == 0 ? t.sent() : at(stage - 1, t);
                Instant to = stage == names.size() - 1 ? t.answered() : at(stage, t);
                if (from != null && to != null) {
                    millis.add(Duration.between(from, to).toMillis());
                }
            }
            long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
            lines.add(sorted.length == 0 ? String.format(Locale.ROOT, "%s: no readings", names.get(stage))
                    : String.format(Locale.ROOT, "%s: p50 %,d ms, p99 %,d ms (%d readings)", names.get(stage),
                            SoakChecks.percentile(sorted, 50), SoakChecks.percentile(sorted, 99), sorted.length));
        }
        return lines;
    }

    private Instant at(int topicIndex, Timeline t) {
        String topic = topics.get(topicIndex);
        Instant byExternalId = seen.get(topic).get(t.externalId());
        return byExternalId != null ? byExternalId : seen.get(topic).get(t.requestId());
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One genuine onboarding's keys and its two ends. */
    record Timeline(String externalId, String requestId, Instant sent, Instant answered) {
    }
}
