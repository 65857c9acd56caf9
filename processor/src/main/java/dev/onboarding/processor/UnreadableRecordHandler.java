package dev.onboarding.processor;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.schemas.serde.SchemaRegistryException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one unreadable record from stopping the processor: it goes to its topic's dead-letter queue
 * (written in the same transaction as the progress past it) and processing resumes. A registry that
 * cannot be reached or answers 5xx is not the record's fault: then the thread fails and is replaced,
 * which retries the record instead of dead-lettering a good one.
 */
public final class UnreadableRecordHandler implements DeserializationExceptionHandler {
    /** Streams config key under which the {@link DeadLetterRoutes} object is passed. */
    public static final String ROUTES_CONFIG = "onboarding.processor.dead-letter-routes";

    private static final Logger LOG = LoggerFactory.getLogger(UnreadableRecordHandler.class);

    private DeadLetterRoutes routes;
    private ProcessorMetrics metrics;

    /** Created by Kafka Streams from its config. */
    public UnreadableRecordHandler() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object value = configs.get(ROUTES_CONFIG);
        if (!(value instanceof DeadLetterRoutes r)) {
            throw new ConfigException(ROUTES_CONFIG, value, "must be a DeadLetterRoutes instance");
        }
        this.routes = r;
        this.metrics = ProcessorMetrics.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (isRegistryOutage(exception)) {
            LOG.error("cannot read {}: schema registry unavailable; failing so the record is retried", where);
            return Response.fail();
        }
        Optional<String> deadLetterTopic = routes.deadLetterTopic(record.topic());
        if (deadLetterTopic.isEmpty()) {
            LOG.error("unreadable record {} on an internal topic: {}", where, exception.getMessage());
            return Response.fail();
        }
        LOG.warn("dead-lettering unreadable record {} to {}: {}", where, deadLetterTopic.get(),
                exception.getMessage());
        DeadLetter letter = DeadLetters.of(DeadLetters.UNREADABLE, "cannot deserialize: " + exception.getMessage(),
                record.key(), record.value(), record.topic(), record.partition(), record.offset(), record.headers(),
                record.timestamp(), Instant.now());
        byte[] value = routes.serializer(record.topic()).serialize(deadLetterTopic.get(), letter);
        metrics.deadLettered(letter);
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic.get(), null, record.key(), value)));
    }

    /** Whether the failure is the registry's (unreachable or 5xx) rather than the record's. */
    static boolean isRegistryOutage(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException e) {
                return e.httpStatus() == -1 || e.httpStatus() >= 500;
            }
        }
        return false;
    }
}
