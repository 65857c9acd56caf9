package dev.onboarding.bridge.ingress;

import dev.onboarding.bridge.ingress.IngressMetrics.Kind;
import dev.onboarding.config.KafkaSettings;
import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces the ingress's records: callbacks (key external ID), answers to rejected requests (key
 * RequestId) and dead letters (key SQS MessageId). One idempotent producer with {@code acks=all}: a
 * returned future completes only once the broker has the record on every in-sync replica, which is
 * what allows the SQS message to be deleted.
 */
public final class CallbackPublisher implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final TopicCatalog topics;
    private final IngressMetrics metrics;
    private final KafkaClientMetrics clientMetrics;

    CallbackPublisher(Producer<byte[], byte[]> producer, TopicCatalog topics, IngressMetrics metrics) {
        this.producer = producer;
        this.topics = topics;
        this.metrics = metrics;
        // The producer's own metrics (record rates, errors, latency) next to the ingress's.
        this.clientMetrics = new KafkaClientMetrics(producer);
        this.clientMetrics.bindTo(metrics.registry());
    }

    /** A publisher with its own producer; {@code kafka.*} settings pass through, durability settings are fixed. */
    public static CallbackPublisher create(KafkaSettings kafka, TopicCatalog topics, IngressMetrics metrics) {
        Map<String, Object> props = kafka.clientProperties();
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "bridge-ingress");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        // Not overridable: an SQS message is deleted on these acknowledgements.
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new CallbackPublisher(new KafkaProducer<>(props), topics, metrics);
    }

    /** Publishes a validated callback, keyed by its external ID. */
    public CompletableFuture<Void> publish(CfnCallback callback) {
        return send(topics.cfnCallbacks(), callback.getExternalId(), callback, Kind.CALLBACK);
    }

    /** Publishes an answer for CloudFormation, keyed by its RequestId. */
    public CompletableFuture<Void> publish(CfnResponse response) {
        return send(topics.cfnResponses(), response.getRequestId(), response, Kind.RESPONSE);
    }

    /** Publishes a dead letter, keyed by the SQS MessageId it came from. */
    public CompletableFuture<Void> publish(String messageId, DeadLetter deadLetter) {
        return send(topics.cfnCallbacksDlq(), messageId, deadLetter, Kind.DEAD_LETTER);
    }

    private <V> CompletableFuture<Void> send(Topic<String, V> topic, String key, V value, Kind kind) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            byte[] keyBytes = topic.keySerde().serializer().serialize(topic.name(), key);
            byte[] valueBytes = topic.valueSerde().serializer().serialize(topic.name(), value);
            long start = System.nanoTime();
            producer.send(new ProducerRecord<>(topic.name(), keyBytes, valueBytes), (metadata, error) -> {
                if (error != null) {
                    acked.completeExceptionally(error);
                } else {
                    metrics.produced(kind);
                    metrics.produceLatency(kind, Duration.ofNanos(System.nanoTime() - start));
                    acked.complete(null);
                }
            });
        } catch (RuntimeException e) {
            // Serialization (registry down) or a send that could not even be queued: the caller keeps the message.
            acked.completeExceptionally(e);
        }
        return acked;
    }

    /** Flushes what is queued, waiting at most {@code timeout}, then closes the producer. */
    public void close(Duration timeout) {
        clientMetrics.close();
        producer.close(timeout);
    }

    /** Closes with a 30 s bound. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
