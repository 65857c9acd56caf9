package dev.onboarding.processor;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.SchemaRegistry;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes of the processor's internal topics and stores that hold contract records of their own (the
 * others hold values in their public topic's wire format, or the processor's claim records). They always
 * register their schema: the subjects ({@code <application.id>-...-value}) belong to this application
 * alone, even when the shared topics' subjects are managed by hand ({@code schema.registry.auto-register=false}).
 *
 * @param requestEvents request events on the re-key repartition
 * @param callbacks held callbacks, and Creates travelling with their account claims
 */
public record ProcessorSerdes(Serde<IntegrationRequestEvent> requestEvents, Serde<CfnCallback> callbacks) {

    /**
     * Reads the callbacks topic into {@link ExternalIdInput.Callback}s that keep the bytes they were read from,
     * so a Create that claims its account travels in them instead of being encoded again. A record that cannot
     * be read fails here, as with the topic's own serde (and is dead-lettered by {@link UnreadableRecordHandler}).
     */
    static Serde<ExternalIdInput> receivedCallbacks(Serde<CfnCallback> topicSerde) {
        return Serdes.serdeFrom((topic, input) -> input == null ? null : ((ExternalIdInput.Callback) input).received(),
                (topic, bytes) -> bytes == null ? null
                        : new ExternalIdInput.Callback(topicSerde.deserializer().deserialize(topic, bytes), bytes));
    }

    /** Serdes backed by {@code registry}. */
    public static ProcessorSerdes using(SchemaRegistry registry) {
        return new ProcessorSerdes(
                AvroSerde.forValues(IntegrationRequestEvent.class, registry, true),
                AvroSerde.forValues(CfnCallback.class, registry, true));
    }
}
