package dev.onboarding.bench.processor;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.contract.RoleCheckKind;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.processor.ledger.CallbackAnswers;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.SchemaRegistry;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The ceiling the processor is measured against: the same input and output topics and serdes and the
 * same hops on a callback's path (the role verification round trip through the bridge's verifier, then by account,
 * then back by external ID), each carrying the callback, but no rules and no state beyond an in-memory map of the
 * callbacks whose verification is out (no changelog). Every callback is answered SUCCESS and, like a Create the processor
 * connects, also yields an integration state on the integrations topic. {@code withStates=false} leaves the
 * states out (the ceiling as first measured, which wrote fewer records per callback than the processor
 * writes to the same topics).
 */
final class PassThroughTopology {
    private static final String WAITING = "waiting-for-verification";

    private PassThroughTopology() {
    }

    static Topology build(TopicCatalog catalog, SchemaRegistry registry, int partitions, boolean withStates) {
        StreamsBuilder builder = new StreamsBuilder();
        AvroSerde<CfnCallback> hops = AvroSerde.forValues(CfnCallback.class, registry, true);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(WAITING), Serdes.String(), hops)
                .withLoggingDisabled());
        // Hop 0: every callback's role goes to the verifier and comes back, like the processor's.
        builder.stream(catalog.cfnCallbacks().name(),
                        Consumed.with(catalog.cfnCallbacks().keySerde(), catalog.cfnCallbacks().valueSerde()))
                .process(AskVerifier::new, WAITING)
                .to(catalog.roleVerifications().name(), Produced.with(catalog.roleVerifications().keySerde(),
                        catalog.roleVerifications().valueSerde()));
        KStream<String, CfnCallback> back = builder.stream(catalog.roleVerificationResults().name(),
                        Consumed.with(catalog.roleVerificationResults().keySerde(),
                                catalog.roleVerificationResults().valueSerde()))
                .process(TakeVerified::new, WAITING)
                // Hop 1: like the account claim, keyed by (tenant, account).
                .selectKey((externalId, callback) -> "tenant|" + callback.getAccountId())
                .repartition(Repartitioned.with(Serdes.String(), hops).withName("hop-by-account")
                        .withNumberOfPartitions(partitions))
                // Hop 2: like the claim outcome, back by external ID.
                .selectKey((account, callback) -> callback.getExternalId())
                .repartition(Repartitioned.with(Serdes.String(), hops).withName("hop-by-external-id")
                        .withNumberOfPartitions(partitions));
        // The answer, keyed by RequestId like the processor's.
        back.map((externalId, callback) -> new KeyValue<String, CfnResponse>(callback.getRequestId(),
                        CallbackAnswers.success(callback, "pass-" + callback.getRequestId(), Map.of(), null,
                                Instant.now())))
                .to(catalog.cfnResponses().name(), Produced.with(catalog.cfnResponses().keySerde(),
                        catalog.cfnResponses().valueSerde()));
        if (withStates) {
            // The state a connected Create publishes, keyed by an integration id like the processor's.
            back.map((externalId, callback) -> new KeyValue<String, Integration>("pass-" + externalId,
                            connected(callback, Instant.now())))
                    .to(catalog.integrations().name(), Produced.with(catalog.integrations().keySerde(),
                            catalog.integrations().valueSerde()));
        }
        return builder.build();
    }

    /** Keeps the callback by RequestId and asks the verifier about its role. */
    private static final class AskVerifier implements Processor<String, CfnCallback, String, RoleVerificationRequest> {
        private ProcessorContext<String, RoleVerificationRequest> context;
        private KeyValueStore<String, CfnCallback> waiting;

        @Override
        public void init(ProcessorContext<String, RoleVerificationRequest> context) {
            this.context = context;
            this.waiting = context.getStateStore(WAITING);
        }

        @Override
        public void process(Record<String, CfnCallback> record) {
            CfnCallback callback = record.value();
            waiting.put(callback.getRequestId(), callback);
            Instant now = Instant.now();
            context.forward(record.withValue(RoleVerificationRequest.newBuilder()
                    .setVerificationId(callback.getRequestId()).setChecks(RoleCheckKind.FULL)
                    .setIntegrationId("pass-" + callback.getExternalId()).setTenantId("pass-tenant")
                    .setExternalId(callback.getExternalId()).setAccountId(callback.getAccountId())
                    .setPartition(callback.getPartition()).setRoleArn(callback.getRoleArn())
                    .setRequestId(callback.getRequestId()).setRequestedAt(now).setDeadline(now.plusSeconds(300))
                    .build()));
        }
    }

    /** Takes the callback a result answers out of the map and sends it on. */
    private static final class TakeVerified implements Processor<String, RoleVerificationResult, String, CfnCallback> {
        private ProcessorContext<String, CfnCallback> context;
        private KeyValueStore<String, CfnCallback> waiting;

        @Override
        public void init(ProcessorContext<String, CfnCallback> context) {
            this.context = context;
            this.waiting = context.getStateStore(WAITING);
        }

        @Override
        public void process(Record<String, RoleVerificationResult> record) {
            CfnCallback callback = waiting.delete(record.value().getVerificationId());
            if (callback != null) {
                context.forward(record.withValue(callback));
            }
        }
    }

    /** A CONNECTED state with the fields the processor's CONNECTED state carries. */
    private static Integration connected(CfnCallback callback, Instant now) {
        return Integration.newBuilder()
                .setIntegrationId("pass-" + callback.getExternalId())
                .setTenantId("pass-tenant")
                .setExternalId(callback.getExternalId())
                .setName("bench")
                .setStatus(IntegrationStatus.CONNECTED)
                .setRoleName(callback.getRoleName())
                .setAccountId(callback.getAccountId())
                .setRoleArn(callback.getRoleArn())
                .setRegion(callback.getRegion())
                .setStackId(callback.getStackId())
                .setLogicalResourceId(callback.getLogicalResourceId())
                .setPhysicalResourceId("pass-" + callback.getExternalId())
                .setLastRequestId(callback.getRequestId())
                .setTags(Map.of())
                .setRequestedAt(now)
                .setExpiresAt(now.plus(Duration.ofHours(24)))
                .setConnectedAt(now)
                .setUpdatedAt(now)
                .setVersion(2)
                .build();
    }
}
