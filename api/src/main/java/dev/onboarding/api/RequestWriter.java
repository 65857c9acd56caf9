package dev.onboarding.api;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.schemas.topics.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes requests and cancels to {@code onboarding.integration-requests} (key: the integration id) with
 * {@code acks=all} and idempotence; a send completes when every in-sync replica has it.
 */
final class RequestWriter implements AutoCloseable {
    private final Topic<String, IntegrationRequestEvent> topic;
    private final KafkaProducer<String, IntegrationRequestEvent> producer;

    RequestWriter(KafkaSettings kafka, Topic<String, IntegrationRequestEvent> topic, Duration deliveryTimeout) {
        this.topic = topic;
        Map<String, Object> props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "onboarding-api");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        // A request waits for its answer: fail within its own deadline rather than Kafka's two-minute default.
        long timeoutMs = Math.max(2_000, deliveryTimeout.toMillis());
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs / 2);
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (timeoutMs / 2));
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        this.producer = new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** Sends one event; may block up to half the delivery timeout while Kafka's metadata is unknown. */
    CompletableFuture<RecordMetadata> send(String integrationId, IntegrationRequestEvent event) {
        CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic.name(), integrationId, event), (metadata, error) -> {
                if (error != null) {
                    sent.completeExceptionally(error);
                } else {
                    sent.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            sent.completeExceptionally(e);
        }
        return sent;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
