package dev.onboarding.processor.health;

import static dev.onboarding.processor.TopologyNames.COLLECTION_RESULTS_REKEYED;
import static dev.onboarding.processor.TopologyNames.UNUSABLE_COLLECTION_RESULTS;

import dev.onboarding.contract.CollectionResult;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.processor.DeadLetters;
import dev.onboarding.processor.ProcessorMetrics;
import dev.onboarding.processor.TopologyNames;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collector's result, in the task of its integration id (beside the request intake, whose store maps each
 * integration id to its external ID): sent on to the task of the external ID, whose ledger keeps the integration's
 * health. A result without a value, naming another integration than its key, with a resourceType, action or
 * region over its bound, or naming no integration ever requested is dead-lettered. Forwards to
 * {@link TopologyNames#COLLECTION_RESULTS_REKEYED} and {@link TopologyNames#UNUSABLE_COLLECTION_RESULTS}.
 */
public final class CollectionResultIntake implements Processor<String, CollectionResult, String, Object> {
    /** Reason code: the result names no integration that was ever requested. */
    public static final String UNKNOWN_INTEGRATION = "UNKNOWN_INTEGRATION";
    /** Reason code: the result's integrationId is not its key, or a field is missing. */
    public static final String MALFORMED = "MALFORMED_RESULT";
    /** Reason code: a string field over its bound (each lands in the integration's state when denied). */
    public static final String FIELD_TOO_LONG = "FIELD_TOO_LONG";
    static final int MAX_RESOURCE_TYPE_CHARS = 256;
    static final int MAX_ACTION_CHARS = 256;
    static final int MAX_REGION_CHARS = 64;
    private static final int MAX_LOGGED_KEY_CHARS = 160;
    private static final Logger LOG = LoggerFactory.getLogger(CollectionResultIntake.class);

    private final String sourceTopic;
    private final Serializer<CollectionResult> serializer;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, String> externalIdByIntegration;
    private ProcessorMetrics.Task metrics;

    /**
     * An intake of collection results.
     *
     * @param sourceTopic the results topic (named in dead letters)
     * @param serializer its serializer (a dead letter carries the result in the topic's wire format)
     */
    public CollectionResultIntake(String sourceTopic, Serializer<CollectionResult> serializer) {
        this.sourceTopic = sourceTopic;
        this.serializer = serializer;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.externalIdByIntegration = context.getStateStore(TopologyNames.INTEGRATION_IDS_STORE);
        this.metrics = ProcessorMetrics.of(context);
    }

    @Override
    public void process(Record<String, CollectionResult> record) {
        CollectionResult result = record.value();
        if (result == null || record.key() == null || !record.key().equals(result.getIntegrationId())
                || result.getResourceType() == null || result.getResourceType().isBlank()) {
            refuse(record, MALFORMED, "a collection result needs a value whose integrationId is its key and a"
                    + " resourceType");
            return;
        }
        if (tooLong(result.getResourceType(), MAX_RESOURCE_TYPE_CHARS) || tooLong(result.getAction(), MAX_ACTION_CHARS)
                || tooLong(result.getRegion(), MAX_REGION_CHARS)) {
            refuse(record, FIELD_TOO_LONG, "resourceType, action or region over " + MAX_RESOURCE_TYPE_CHARS + ", "
                    + MAX_ACTION_CHARS + " or " + MAX_REGION_CHARS + " characters");
            return;
        }
        String externalId = externalIdByIntegration.get(record.key());
        if (externalId == null) {
            refuse(record, UNKNOWN_INTEGRATION, "integration " + record.key() + " was never requested");
            return;
        }
        context.forward(new Record<>(externalId, result, record.timestamp()), COLLECTION_RESULTS_REKEYED);
    }

    private static boolean tooLong(String value, int max) {
        return value != null && value.length() > max;
    }

    private void refuse(Record<String, CollectionResult> record, String code, String reason) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        String key = record.key() == null || record.key().length() <= MAX_LOGGED_KEY_CHARS ? record.key()
                : record.key().substring(0, MAX_LOGGED_KEY_CHARS) + "…";
        LOG.warn("collection result for {} dead-lettered: {} ({})", key, code, reason);
        byte[] original = null;
        if (record.value() != null) {
            try {
                original = serializer.serialize(sourceTopic, record.value());
            } catch (RuntimeException e) {
                original = record.value().toString().getBytes(StandardCharsets.UTF_8);
            }
        }
        DeadLetter letter = DeadLetters.of(code, reason,
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), original,
                sourceTopic, meta.map(RecordMetadata::partition).orElse(-1),
                meta.map(RecordMetadata::offset).orElse(-1L), record.headers(), record.timestamp(),
                Instant.ofEpochMilli(context.currentSystemTimeMs()));
        metrics.deadLettered(letter);
        context.forward(new Record<>(record.key(), letter, record.timestamp()), UNUSABLE_COLLECTION_RESULTS);
    }
}
