package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TopologyNames.REFUSED_REQUESTS;
import static dev.onboarding.processor.TopologyNames.REKEYED_REQUESTS;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.IntegrationCancelled;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.IntegrationRequested;
import dev.onboarding.processor.DeadLetters;
import dev.onboarding.processor.ProcessorMetrics;
import dev.onboarding.processor.TopologyNames;
import dev.onboarding.runtime.RequestLogContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First stop of a request event, in the task of its integration id: refuses malformed events, strings longer than
 * their bounds, external IDs this provider did not mint (unless the operator accepts a legacy pattern), and an
 * integration id re-requested with another external ID (so the compacted integration topic cannot get two
 * owners for one key), then sends the event on to the task of its external ID. Forwards to
 * {@link TopologyNames#REKEYED_REQUESTS} and {@link TopologyNames#REFUSED_REQUESTS}.
 */
public final class RequestIntakeProcessor implements Processor<String, IntegrationRequestEvent, String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(RequestIntakeProcessor.class);

    /** The longest key a dead letter carries (as its key and in it): a refused key may be the over-long field. */
    static final int MAX_DEAD_LETTER_KEY_CHARS = 1024;
    private static final int MAX_LOGGED_KEY_CHARS = 160;

    private final String sourceTopic;
    private final Serializer<IntegrationRequestEvent> serializer;
    private final Optional<Pattern> legacyExternalIds;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, String> externalIdByIntegration;
    private ProcessorMetrics.Task metrics;

    /**
     * An intake.
     *
     * @param sourceTopic the requests topic (named in dead letters)
     * @param serializer its serializer (a dead letter carries the event in the topic's wire format)
     */
    public RequestIntakeProcessor(String sourceTopic, Serializer<IntegrationRequestEvent> serializer) {
        this(sourceTopic, serializer, Optional.empty());
    }

    /**
     * An intake that also accepts requests whose external ID matches {@code legacyExternalIds}.
     *
     * @param sourceTopic the requests topic (named in dead letters)
     * @param serializer its serializer (a dead letter carries the event in the topic's wire format)
     * @param legacyExternalIds external IDs accepted besides the minted ones
     *     ({@code processor.requests.legacy-external-id-pattern}), if any
     */
    public RequestIntakeProcessor(String sourceTopic, Serializer<IntegrationRequestEvent> serializer,
            Optional<Pattern> legacyExternalIds) {
        this.sourceTopic = sourceTopic;
        this.serializer = serializer;
        this.legacyExternalIds = legacyExternalIds;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.externalIdByIntegration = context.getStateStore(TopologyNames.INTEGRATION_IDS_STORE);
        this.metrics = ProcessorMetrics.of(context);
    }

    @Override
    public void process(Record<String, IntegrationRequestEvent> record) {
        try (RequestLogContext ignored = RequestLogContext.of(null, cut(record.key(), MAX_LOGGED_KEY_CHARS), null)) {
            intake(record);
        }
    }

    private void intake(Record<String, IntegrationRequestEvent> record) {
        IntegrationRequestEvent event = record.value();
        Optional<PendingIntegrations.Refused> refused = PendingIntegrations.refusal(record.key(), event,
                legacyExternalIds);
        if (refused.isPresent()) {
            refuse(record, refused.get().reasonCode(), refused.get().reason());
            return;
        }
        String integrationId = PendingIntegrations.integrationIdOf(event);
        String externalId = PendingIntegrations.externalIdOf(event);
        String known = externalIdByIntegration.get(integrationId);
        if (event.getEvent() instanceof IntegrationRequested) {
            if (known != null && !known.equals(externalId)) {
                refuse(record, PendingIntegrations.INTEGRATION_ID_IN_USE, "integration " + integrationId
                        + " was already requested with another external ID");
                return;
            }
            if (known == null) {
                externalIdByIntegration.put(integrationId, externalId);
            }
        } else if (event.getEvent() instanceof IntegrationCancelled) {
            if (known == null) {
                refuse(record, PendingIntegrations.UNKNOWN_INTEGRATION, "integration " + integrationId
                        + " was never requested");
                return;
            }
            if (!known.equals(externalId)) {
                refuse(record, PendingIntegrations.NOT_THE_OWNER, "the cancel names another external ID than"
                        + " integration " + integrationId + " was requested with");
                return;
            }
        }
        Record<String, Object> routed = new Record<>(externalId, event, record.timestamp(), record.headers());
        context.recordMetadata().ifPresent(m -> DeadLetters.stampSource(routed.headers(), m.partition(), m.offset()));
        context.forward(routed, REKEYED_REQUESTS);
    }

    private void refuse(Record<String, IntegrationRequestEvent> record, String code, String reason) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        // The key is the integration id, which may be the over-long field: the dead letter keeps its first bytes.
        String key = cut(record.key(), MAX_DEAD_LETTER_KEY_CHARS);
        LOG.warn("refused integration request {} from {}-{}@{}: {} ({})", cut(record.key(), MAX_LOGGED_KEY_CHARS),
                sourceTopic, meta.map(RecordMetadata::partition).orElse(-1),
                meta.map(RecordMetadata::offset).orElse(-1L), code, reason);
        DeadLetter letter = DeadLetters.of(code, reason, keyBytes(key),
                originalBytes(sourceTopic, serializer, record.value()), sourceTopic,
                meta.map(RecordMetadata::partition).orElse(-1), meta.map(RecordMetadata::offset).orElse(-1L),
                record.headers(), record.timestamp(), Instant.ofEpochMilli(context.currentSystemTimeMs()));
        metrics.deadLettered(letter);
        context.forward(new Record<>(key, letter, record.timestamp()), REFUSED_REQUESTS);
    }

    /** {@code text} cut to {@code max} characters, the cut marked with an ellipsis; null stays null. */
    static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    static byte[] keyBytes(String key) {
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The event in its topic's wire format, or its JSON text when it cannot be encoded (e.g. this version of
     * the schema is not registered): a dead letter must never fail to be written.
     */
    static byte[] originalBytes(String topic, Serializer<IntegrationRequestEvent> serializer,
            IntegrationRequestEvent event) {
        if (event == null) {
            return null;
        }
        try {
            return serializer.serialize(topic, event);
        } catch (RuntimeException e) {
            return event.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
