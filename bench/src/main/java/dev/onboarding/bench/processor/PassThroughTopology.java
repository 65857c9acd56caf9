package dev.onboarding.bench.processor;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.processor.CallbackAnswers;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The ceiling the processor is measured against: the same input and output topics and serdes and the
 * same two repartition hops on a callback's path (by account, then back by external ID), but no state
 * and no rules: every callback is answered SUCCESS.
 */
final class PassThroughTopology {
    private PassThroughTopology() {
    }

    static Topology build(TopicCatalog catalog, SchemaRegistry registry, int partitions) {
        StreamsBuilder builder = new StreamsBuilder();
        AvroSerde<CfnCallback> hops = AvroSerde.forValues(CfnCallback.class, registry, true);
        builder.stream(catalog.cfnCallbacks().name(), catalog.cfnCallbacks().consumed())
                // Hop 1: like the account claim, keyed by (tenant, account).
                .selectKey((externalId, callback) -> "tenant|" + callback.getAccountId())
                .repartition(Repartitioned.with(Serdes.String(), hops).withName("hop-by-account")
                        .withNumberOfPartitions(partitions))
                // Hop 2: like the claim outcome, back by external ID.
                .selectKey((account, callback) -> callback.getExternalId())
                .repartition(Repartitioned.with(Serdes.String(), hops).withName("hop-by-external-id")
                        .withNumberOfPartitions(partitions))
                // The answer, keyed by RequestId like the processor's.
                .map((externalId, callback) -> new org.apache.kafka.streams.KeyValue<String, CfnResponse>(
                        callback.getRequestId(), CallbackAnswers.success(callback, "pass-" + callback.getRequestId(),
                                Map.of(), null, Instant.now())))
                .to(catalog.cfnResponses().name(), catalog.cfnResponses().produced());
        return builder.build();
    }
}
