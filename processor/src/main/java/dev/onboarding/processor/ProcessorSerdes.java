package dev.onboarding.processor;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.SchemaRegistry;
import org.apache.kafka.common.serialization.Serde;

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

    /** Serdes backed by {@code registry}. */
    public static ProcessorSerdes using(SchemaRegistry registry) {
        return new ProcessorSerdes(
                AvroSerde.forValues(IntegrationRequestEvent.class, registry, true),
                AvroSerde.forValues(CfnCallback.class, registry, true));
    }
}
