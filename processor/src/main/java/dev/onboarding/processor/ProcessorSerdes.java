package dev.onboarding.processor;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.SchemaRegistry;
import org.apache.kafka.common.serialization.Serde;

/**
 * Serdes of the processor's internal topics (repartitions, changelogs). They always register their
 * schema: the subjects ({@code <application.id>-...-value}) belong to this application alone, even when
 * the shared topics' subjects are managed by hand ({@code schema.registry.auto-register=false}).
 *
 * @param requestEvents request events on the re-key repartition
 * @param integrations integration states in stores
 * @param callbacks held and in-flight callbacks
 * @param responses decided answers
 */
public record ProcessorSerdes(Serde<IntegrationRequestEvent> requestEvents, Serde<Integration> integrations,
        Serde<CfnCallback> callbacks, Serde<CfnResponse> responses) {

    /** Serdes backed by {@code registry}. */
    public static ProcessorSerdes using(SchemaRegistry registry) {
        return new ProcessorSerdes(
                AvroSerde.forValues(IntegrationRequestEvent.class, registry, true),
                AvroSerde.forValues(Integration.class, registry, true),
                AvroSerde.forValues(CfnCallback.class, registry, true),
                AvroSerde.forValues(CfnResponse.class, registry, true));
    }
}
