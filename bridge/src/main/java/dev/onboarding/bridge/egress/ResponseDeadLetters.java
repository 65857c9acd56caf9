package dev.onboarding.bridge.egress;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.schemas.deadletters.DeadLetterBuilder;
import dev.onboarding.schemas.topics.Topic;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;

/**
 * Writes responses that were given up to {@code onboarding.cfn-responses.dlq}: the reason, the original
 * bytes and where they came from, so an operator can see why a stack was not answered and replay it.
 */
public final class ResponseDeadLetters {
    /** The {@code application} field of every dead letter written here. */
    public static final String APPLICATION = "bridge";

    private final Producer<byte[], byte[]> producer;
    private final Topic<String, DeadLetter> topic;

    /** Writes through {@code producer} to {@code topic}. */
    public ResponseDeadLetters(Producer<byte[], byte[]> producer, Topic<String, DeadLetter> topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** Writes the dead letter; the future completes once the broker has it. */
    public CompletableFuture<Void> send(ConsumerRecord<byte[], byte[]> source, DeliveryOutcome.GiveUp giveUp,
            Instant now) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        try {
            byte[] value = topic.valueSerde().serializer().serialize(topic.name(), deadLetter(source, giveUp, now));
            producer.send(new ProducerRecord<>(topic.name(), source.key(), value), (metadata, error) -> {
                if (error == null) {
                    written.complete(null);
                } else {
                    written.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            written.completeExceptionally(e);
        }
        return written;
    }

    /** The dead letter for {@code source} given up for {@code giveUp} at {@code now}. */
    public static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> source, DeliveryOutcome.GiveUp giveUp,
            Instant now) {
        return DeadLetterBuilder.deadLetter(APPLICATION, giveUp.reasonCode(), giveUp.reason())
                .original(source.key(), source.value())
                .fromKafka(source.topic(), source.partition(), source.offset(), source.headers(),
                        source.timestampType() == TimestampType.NO_TIMESTAMP_TYPE ? null
                                : Instant.ofEpochMilli(source.timestamp()))
                .at(now);
    }
}
