package dev.onboarding.bridge.ingress;

import dev.onboarding.config.Settings;
import dev.onboarding.embedded.EmbeddedSqs;
import dev.onboarding.embedded.StackSettings;
import dev.onboarding.embedded.StsStandIn;
import dev.onboarding.schemas.serde.RegistrySettings;
import dev.onboarding.schemas.serde.SchemaRegistries;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One test's slice of the real stack: its own topics (unique names on the given broker), its own queues
 * on the regional ElasticMQs, the shared STS stand-in, and a bridge configured for all of it.
 */
final class IngressHarness implements AutoCloseable {
    final String bootstrapServers;
    final Map<String, EmbeddedSqs> sqs;
    final StsStandIn sts;
    final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
    final Map<String, String> queueUrls = new HashMap<>();
    final Map<String, SqsClient> clients = new HashMap<>();
    final TopicCatalog topics;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Map<String, String> settings = new HashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private BridgeIngress ingress;

    IngressHarness(String bootstrapServers, Map<String, EmbeddedSqs> sqs, StsStandIn sts,
            java.util.function.BiConsumer<String, Integer> createTopic) {
        this.bootstrapServers = bootstrapServers;
        this.sqs = sqs;
        this.sts = sts;
        createTopic.accept(prefix + ".cfn-callbacks", 3);
        createTopic.accept(prefix + ".cfn-responses", 1);
        createTopic.accept(prefix + ".cfn-callbacks.dlq", 1);
        String registry = "mock://" + prefix;
        StackSettings stack = StackSettings.of(bootstrapServers, registry)
                .topic("cfn-callbacks", prefix + ".cfn-callbacks")
                .topic("cfn-responses", prefix + ".cfn-responses")
                .topic("cfn-callbacks-dlq", prefix + ".cfn-callbacks.dlq");
        sqs.forEach((region, server) -> {
            String url = server.createQueue(prefix + "-callbacks");
            queueUrls.put(region, url);
            stack.queue(region, server, url);
            SqsClient client = server.newClient();
            clients.put(region, client);
            closeables.add(client);
        });
        settings.putAll(stack.awsCredentials("test", "test")
                .sts(sts)
                .with("bridge.sqs.wait-time", "1s")
                .with("bridge.pollers-per-queue", "2")
                .with("bridge.verification.max-duration", "5s")
                .with("bridge.verification.initial-backoff", "200ms")
                .with("bridge.verification.max-backoff", "500ms")
                .with("bridge.shutdown-timeout", "10s")
                .build());
        topics = TopicCatalog.create(TopicSettings.from(Settings.of(settings)),
                SchemaRegistries.connect(RegistrySettings.of(registry)), true);
    }

    /** Overrides or adds bridge settings before {@link #start()}. */
    IngressHarness with(String key, String value) {
        settings.put(key, value);
        return this;
    }

    BridgeIngress start() {
        ingress = BridgeIngress.from(Settings.of(settings), meters);
        ingress.start();
        return ingress;
    }

    BridgeIngress ingress() {
        return ingress;
    }

    /** Sends a body to the region's queue; returns the SQS MessageId. */
    String send(String region, String body) {
        return clients.get(region).sendMessage(b -> b.queueUrl(queueUrls.get(region)).messageBody(body)).messageId();
    }

    /** Visible plus in-flight messages of the region's queue. */
    int messagesInQueue(String region) {
        return messagesIn(region, queueUrls.get(region));
    }

    int messagesIn(String region, String queueUrl) {
        Map<QueueAttributeName, String> attributes = clients.get(region).getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    double counter(String name, String... tags) {
        var counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Follows a topic from its beginning. */
    <V> TopicTail<V> tail(Topic<String, V> topic) {
        TopicTail<V> tail = new TopicTail<>(bootstrapServers, topic);
        closeables.add(tail);
        return tail;
    }

    @Override
    public void close() {
        if (ingress != null) {
            ingress.close();
        }
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // test cleanup
            }
        }
    }

    /** Everything a topic holds, read from the beginning and kept as it arrives. */
    static final class TopicTail<V> implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Topic<String, V> topic;
        private final List<ConsumerRecord<String, V>> records = new ArrayList<>();

        TopicTail(String bootstrapServers, Topic<String, V> topic) {
            this.topic = topic;
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(props);
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(60)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Polls once more and returns everything read so far. */
        synchronized List<ConsumerRecord<String, V>> records() {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                records.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(),
                        topic.keySerde().deserializer().deserialize(r.topic(), r.key()),
                        topic.valueSerde().deserializer().deserialize(r.topic(), r.value())));
            }
            return List.copyOf(records);
        }

        List<V> values() {
            return records().stream().map(ConsumerRecord::value).toList();
        }

        @Override
        public synchronized void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
