package dev.onboarding.processor;

import static dev.onboarding.processor.TopologyNames.ACCOUNT_CLAIMS_STORE;
import static dev.onboarding.processor.TopologyNames.CLAIMS_BY_ACCOUNT;
import static dev.onboarding.processor.TopologyNames.CLAIM_OUTCOMES_BY_EXTERNAL_ID;
import static dev.onboarding.processor.TopologyNames.HELD_CALLBACKS_STORE;
import static dev.onboarding.processor.TopologyNames.INTEGRATIONS_BY_EXTERNAL_ID_STORE;
import static dev.onboarding.processor.TopologyNames.INTEGRATIONS_BY_ID_STORE;
import static dev.onboarding.processor.TopologyNames.INTEGRATION_IDS_STORE;
import static dev.onboarding.processor.TopologyNames.INTEGRATION_READ_BACK;
import static dev.onboarding.processor.TopologyNames.PENDING_EXPIRY_STORE;
import static dev.onboarding.processor.TopologyNames.RELEASES_BY_ACCOUNT;
import static dev.onboarding.processor.TopologyNames.REQUESTS_BY_EXTERNAL_ID;
import static dev.onboarding.processor.TopologyNames.REQUESTS_STORE;
import static dev.onboarding.processor.TopologyNames.TENANT_INDEX_STORE;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.Integration;
import dev.onboarding.processor.claims.OutcomeInTransit;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the processor's topology. Reading top to bottom follows the data:
 * requests are checked and re-keyed by external ID; they meet the callbacks (keyed by external ID, same
 * partition count) in the task that owns the external ID; a Create that passes claims its AWS account in
 * the task that owns (tenant, account), travelling with its claim; the outcome brings it back to be
 * finished; answers, states and dead letters go to their topics; the integration topic is read back into
 * the stores queried over HTTP.
 */
public final class OnboardingTopology {
    private static final String[] EXTERNAL_ID_STORES = {INTEGRATIONS_BY_EXTERNAL_ID_STORE, PENDING_EXPIRY_STORE,
        REQUESTS_STORE, HELD_CALLBACKS_STORE};

    private OnboardingTopology() {
    }

    /**
     * The topology.
     *
     * @param catalog the shared topics with their serdes
     * @param serdes serdes of internal topics and stores
     * @param config processor settings
     * @param partitions partition count of the callbacks topic: every repartition keyed by external ID uses it
     *     too, so re-keyed requests and claim outcomes land in the task that owns their callbacks
     */
    public static Topology build(TopicCatalog catalog, ProcessorSerdes serdes, ProcessorConfig config,
            int partitions) {
        StreamsBuilder builder = new StreamsBuilder();
        addStores(builder, catalog, serdes);
        Topic<String, IntegrationRequestEvent> requests = catalog.integrationRequests();
        Topic<String, CfnCallback> callbacksTopic = catalog.cfnCallbacks();

        // Requests, in the task of their integration id: refuse malformed ones and reused integration ids.
        Map<String, KStream<String, Effect>> intake = builder
                .stream(requests.name(), requests.consumed().withName("integration-requests"))
                .process(() -> new RequestIntakeProcessor(requests.name(), requests.valueSerde().serializer()),
                        Named.as("request-intake"), INTEGRATION_IDS_STORE)
                .split(Named.as("intake-"))
                .branch((k, e) -> e instanceof Effect.Route, Branched.as("routed"))
                .defaultBranch(Branched.as("refused"));
        deadLetterRequests(intake.get("intake-refused"), catalog, "intake");

        // Re-key the valid ones by external ID, with the callbacks' partition count (co-partitioned).
        KStream<String, ExternalIdInput> requestsByExternalId = intake.get("intake-routed")
                .mapValues(e -> ((Effect.Route) e).event(), Named.as("intake-event"))
                .repartition(Repartitioned.with(Serdes.String(), serdes.requestEvents())
                        .withName(REQUESTS_BY_EXTERNAL_ID).withNumberOfPartitions(partitions))
                .mapValues(event -> (ExternalIdInput) new ExternalIdInput.Request(event), Named.as("request-input"));

        // Callbacks, keyed by external ID by the bridge; each keeps the bytes it was read from.
        KStream<String, ExternalIdInput> callbacks = builder.stream(callbacksTopic.name(),
                Consumed.with(callbacksTopic.keySerde(), ProcessorSerdes.receivedCallbacks(callbacksTopic.valueSerde()))
                        .withName("cfn-callbacks"));

        // Requests and callbacks meet the state of their external ID: answers, new states, account claims.
        Map<String, KStream<String, Effect>> decisions = requestsByExternalId
                .merge(callbacks, Named.as("external-id-inputs"))
                .process(() -> new ExternalIdProcessor(config, true, catalog, serdes), Named.as("external-id-ledger"),
                        EXTERNAL_ID_STORES)
                .split(Named.as("ledger-"))
                .branch((k, e) -> e instanceof Effect.Claim, Branched.as("claims"))
                .defaultBranch(Branched.as("effects"));

        // Claims and releases, decided in the task of (tenant, account): one AWS account per tenant.
        KStream<String, OutcomeInTransit> outcomes = decisions.get("ledger-claims")
                .mapValues(e -> ((Effect.Claim) e).claim(), Named.as("ledger-claim"))
                .repartition(Repartitioned.with(Serdes.String(), serdes.claims())
                        .withName(CLAIMS_BY_ACCOUNT).withNumberOfPartitions(partitions))
                .process(AccountClaimProcessor::new, Named.as("account-claims"), ACCOUNT_CLAIMS_STORE)
                .mapValues(e -> ((Effect.Outcome) e).outcome(), Named.as("claim-outcome"));

        // Outcomes go back to the task of the external ID, which finishes the waiting Create.
        Map<String, KStream<String, Effect>> finished = outcomes
                .repartition(Repartitioned.with(Serdes.String(), serdes.outcomes())
                        .withName(CLAIM_OUTCOMES_BY_EXTERNAL_ID).withNumberOfPartitions(partitions))
                .mapValues(outcome -> (ExternalIdInput) new ExternalIdInput.Outcome(outcome),
                        Named.as("outcome-input"))
                .process(() -> new ExternalIdProcessor(config, false, catalog, serdes), Named.as("claim-finisher"),
                        EXTERNAL_ID_STORES)
                .split(Named.as("finisher-"))
                .branch((k, e) -> e instanceof Effect.Claim, Branched.as("claims"))
                .defaultBranch(Branched.as("effects"));

        // A granted claim the finished Create cannot use goes back to the claims task (its own topic: no cycle).
        finished.get("finisher-claims")
                .mapValues(e -> ((Effect.Claim) e).claim(), Named.as("finisher-claim"))
                .repartition(Repartitioned.with(Serdes.String(), serdes.claims())
                        .withName(RELEASES_BY_ACCOUNT).withNumberOfPartitions(partitions))
                .process(AccountClaimProcessor::new, Named.as("account-releases"), ACCOUNT_CLAIMS_STORE);

        // Answers, full states and dead letters to their topics (answers and states are encoded already).
        Map<String, KStream<String, Effect>> effects = decisions.get("ledger-effects")
                .merge(finished.get("finisher-effects"), Named.as("external-id-effects"))
                .split(Named.as("effect-"))
                .branch((k, e) -> e instanceof Effect.Respond, Branched.as("answers"))
                .branch((k, e) -> e instanceof Effect.Publish, Branched.as("states"))
                .branch((k, e) -> e instanceof Effect.RejectCallback, Branched.as("rejected-callbacks"))
                .defaultBranch(Branched.as("refused-requests"));
        effects.get("effect-answers")
                .mapValues(e -> ((Effect.Respond) e).answer(), Named.as("answer"))
                .to(catalog.cfnResponses().name(), encoded("cfn-responses"));
        effects.get("effect-states")
                .mapValues(e -> ((Effect.Publish) e).state(), Named.as("state"))
                .to(catalog.integrations().name(), encoded("integrations"));
        effects.get("effect-rejected-callbacks")
                .mapValues(e -> ((Effect.RejectCallback) e).deadLetter(), Named.as("rejected-callback"))
                .to(catalog.cfnCallbacksDlq().name(), produced(catalog.cfnCallbacksDlq(), "cfn-callbacks-dlq"));
        deadLetterRequests(effects.get("effect-refused-requests"), catalog, "ledger");

        // Read the committed states back by integration id, indexed by tenant. The topic is the store's changelog;
        // the store keeps the topic's bytes: they are decoded when queried, not on every state change.
        Topic<String, Integration> integrations = catalog.integrations();
        Topology topology = builder.build();
        topology.addReadOnlyStateStore(
                Stores.timestampedKeyValueStoreBuilder(
                        Stores.persistentTimestampedKeyValueStore(INTEGRATIONS_BY_ID_STORE), Serdes.String(),
                        Serdes.ByteArray()),
                "integrations-read-back", new StringDeserializer(), new ByteArrayDeserializer(),
                integrations.name(), INTEGRATION_READ_BACK,
                () -> new IntegrationReadBack(integrations.name(), integrations.valueSerde().deserializer()));
        topology.connectProcessorAndStateStores(INTEGRATION_READ_BACK, TENANT_INDEX_STORE);
        return topology;
    }

    private static void deadLetterRequests(KStream<String, Effect> refused, TopicCatalog catalog, String from) {
        refused.mapValues(e -> ((Effect.RefuseRequest) e).deadLetter(), Named.as(from + "-refused-request"))
                .to(catalog.integrationRequestsDlq().name(),
                        produced(catalog.integrationRequestsDlq(), from + "-integration-requests-dlq"));
    }

    private static <V> Produced<String, V> produced(Topic<String, V> topic, String name) {
        return topic.produced().withName(name + "-sink");
    }

    /** A sink of values the processor encoded with the topic's own serde. */
    private static Produced<String, byte[]> encoded(String name) {
        return Produced.with(Serdes.String(), Serdes.ByteArray()).withName(name + "-sink");
    }

    private static void addStores(StreamsBuilder builder, TopicCatalog catalog, ProcessorSerdes serdes) {
        Serde<String> strings = Serdes.String();
        builder.addStateStore(keyValue(INTEGRATION_IDS_STORE, strings));
        builder.addStateStore(keyValue(INTEGRATIONS_BY_EXTERNAL_ID_STORE, serdes.ledgerEntries()));
        builder.addStateStore(keyValue(PENDING_EXPIRY_STORE, strings));
        builder.addStateStore(keyValue(REQUESTS_STORE, serdes.decidedAnswers()));
        builder.addStateStore(Stores.timestampedKeyValueStoreBuilder(
                Stores.persistentTimestampedKeyValueStore(HELD_CALLBACKS_STORE), strings, serdes.callbacks()));
        builder.addStateStore(keyValue(ACCOUNT_CLAIMS_STORE, serdes.accountHolders()));
        builder.addStateStore(keyValue(TENANT_INDEX_STORE, strings));
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> keyValue(String name, Serde<V> values) {
        // Changelogged (the default), so a lost instance's state is restored elsewhere.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values);
    }
}
