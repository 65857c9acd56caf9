package dev.onboarding.bridge.egress;

import dev.onboarding.contract.CfnResponse;
import dev.onboarding.schemas.serde.SchemaRegistryException;
import dev.onboarding.schemas.topics.Topic;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a consumed record into its response and sets when it is due: now, or its next attempt time on the
 * retry topic. A record that cannot be read is marked unreadable (it will be dead-lettered); while the
 * schema registry is unreachable it stays unread and is tried again later, because a valid answer must
 * never be dead-lettered for that.
 */
final class ResponseReader {
    private static final Logger LOG = LoggerFactory.getLogger(ResponseReader.class);

    private final Topic<String, CfnResponse> responses;
    private final String retryTopic;
    private final Duration registryRetry;
    private final Clock clock;
    private final String clientId;

    /**
     * Reads with the serde of {@code responses}; records of {@code retryTopic} wait for their next attempt;
     * an unreachable registry is tried again after {@code registryRetry}. {@code clientId} names the
     * responder in logs.
     */
    ResponseReader(Topic<String, CfnResponse> responses, String retryTopic, Duration registryRetry, Clock clock,
            String clientId) {
        this.responses = responses;
        this.retryTopic = retryTopic;
        this.registryRetry = registryRetry;
        this.clock = clock;
        this.clientId = clientId;
    }

    /** {@code pending} read, or due again later when the registry was unreachable. */
    PendingResponse read(PendingResponse pending) {
        ConsumerRecord<byte[], byte[]> record = pending.record();
        Instant now = clock.instant();
        CfnResponse response;
        try {
            response = record.value() == null ? null
                    : responses.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            Optional<SchemaRegistryException> registry = registryFailure(e);
            if (registry.isPresent() && (registry.get().httpStatus() < 0 || registry.get().httpStatus() >= 500)) {
                LOG.warn("responder {}: schema registry unavailable ({}); record {} will be read again",
                        clientId, registry.get().getMessage(), pending.position());
                return pending.at(now.plus(registryRetry));
            }
            return pending.unreadable("the record is not a readable CfnResponse: " + e.getMessage(), now);
        }
        if (response == null) {
            return pending.unreadable("the record has no value", now);
        }
        Instant due = now;
        if (record.topic().equals(retryTopic) && response.getNextAttemptAt() != null) {
            due = response.getNextAttemptAt();
            // A response whose deadline comes first is given up then, not after its next attempt time.
            if (response.getDeadline() != null && response.getDeadline().isBefore(due)) {
                due = response.getDeadline();
            }
        }
        return pending.read(response, due);
    }

    private static Optional<SchemaRegistryException> registryFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryException registry) {
                return Optional.of(registry);
            }
        }
        return Optional.empty();
    }
}
