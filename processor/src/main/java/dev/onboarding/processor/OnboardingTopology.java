package dev.onboarding.processor;

import static dev.onboarding.processor.TopologyNames.ACCOUNT_CLAIMS;
import static dev.onboarding.processor.TopologyNames.ACCOUNT_CLAIMS_STORE;
import static dev.onboarding.processor.TopologyNames.ACCOUNT_RELEASES;
import static dev.onboarding.processor.TopologyNames.ANSWERS;
import static dev.onboarding.processor.TopologyNames.CLAIMS_BY_ACCOUNT;
import static dev.onboarding.processor.TopologyNames.CLAIM_FINISHER;
import static dev.onboarding.processor.TopologyNames.CLAIM_OUTCOMES_BY_EXTERNAL_ID;
import static dev.onboarding.processor.TopologyNames.COLLECTION_RESULTS_BY_EXTERNAL_ID;
import static dev.onboarding.processor.TopologyNames.COLLECTION_RESULTS_BY_INTEGRATION_ID;
import static dev.onboarding.processor.TopologyNames.COLLECTION_RESULT_INTAKE;
import static dev.onboarding.processor.TopologyNames.EXTERNAL_ID_LEDGER;
import static dev.onboarding.processor.TopologyNames.HELD_CALLBACKS_STORE;
import static dev.onboarding.processor.TopologyNames.INTEGRATIONS_BY_EXTERNAL_ID_STORE;
import static dev.onboarding.processor.TopologyNames.INTEGRATIONS_BY_ID_STORE;
import static dev.onboarding.processor.TopologyNames.INTEGRATION_IDS_STORE;
import static dev.onboarding.processor.TopologyNames.INTEGRATION_READ_BACK;
import static dev.onboarding.processor.TopologyNames.PENDING_EXPIRY_STORE;
import static dev.onboarding.processor.TopologyNames.REFUSED_REQUESTS;
import static dev.onboarding.processor.TopologyNames.REJECTED_CALLBACKS;
import static dev.onboarding.processor.TopologyNames.RELEASES_BY_ACCOUNT;
import static dev.onboarding.processor.TopologyNames.REQUESTS_BY_EXTERNAL_ID;
import static dev.onboarding.processor.TopologyNames.REQUESTS_STORE;
import static dev.onboarding.processor.TopologyNames.REQUEST_INTAKE;
import static dev.onboarding.processor.TopologyNames.ROLE_DENIALS_STORE;
import static dev.onboarding.processor.TopologyNames.STATES;
import static dev.onboarding.processor.TopologyNames.TENANT_INDEX_STORE;
import static dev.onboarding.processor.TopologyNames.VERIFICATION_REQUESTS;
import static dev.onboarding.processor.TopologyNames.VERIFYING_CALLBACKS_STORE;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CollectionResult;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.processor.claims.AccountClaimProcessor;
import dev.onboarding.processor.claims.ClaimInTransit;
import dev.onboarding.processor.claims.OutcomeInTransit;
import dev.onboarding.processor.health.CollectionResultIntake;
import dev.onboarding.processor.health.HealthConfig;
import dev.onboarding.processor.health.HealthRules;
import dev.onboarding.processor.ledger.ClaimFinisher;
import dev.onboarding.processor.ledger.ExternalIdInput;
import dev.onboarding.processor.ledger.ExternalIdLedger;
import dev.onboarding.processor.ledger.RequestIntakeProcessor;
import dev.onboarding.processor.queries.IntegrationReadBack;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the processor's topology. Reading top to bottom follows the data: requests are checked and re-keyed
 * by external ID; they meet the callbacks (keyed by external ID, same partition count) in the task that owns the
 * external ID; a Create whose external ID is its integration's is sent to the bridge's verifier, whose result comes
 * back to the same task (keyed by external ID, same partition count); a verified Create claims its AWS account in
 * the task that owns (tenant, account), travelling
 * with its claim; the outcome brings it back to be finished; answers, states and dead letters go to their
 * topics; the integrations topic is read back into the stores queried over HTTP.
 *
 * <p>Each processor forwards every record to a named child ({@link TopologyNames}): a sink, a merge before a
 * sink that two processors share, or the first node of a repartition. The DSL builds those children (and the
 * repartition topics, which only it can declare as internal), typing each by what its processor forwards to it.
 */
public final class OnboardingTopology {
    private OnboardingTopology() {
    }

    /**
     * The topology.
     *
     * @param catalog the shared topics with their serdes
     * @param serdes serdes of internal topics and stores
     * @param config processor settings
     * @param partitions partition count of the callbacks topic: every repartition keyed by external ID uses it
     *     too, so re-keyed requests and claim outcomes land in the task that owns their callbacks (the verification
     *     results topic must have it as well)
     */
    public static Topology build(TopicCatalog catalog, ProcessorSerdes serdes, ProcessorConfig config,
            int partitions) {
        return build(catalog, serdes, config, partitions, partitions, HealthConfig.defaults());
    }

    /**
     * The topology.
     *
     * @param catalog the shared topics with their serdes
     * @param serdes serdes of internal topics and stores
     * @param config processor settings
     * @param partitions partition count of the callbacks topic: every repartition keyed by external ID uses it
     *     too, so re-keyed requests and claim outcomes land in the task that owns their callbacks
     * @param requestPartitions partition count of the requests topic: collection results are repartitioned by
     *     integration id to it, so each meets the intake's store of external IDs by integration id
     * @param health how checks of a connected integration's role move its health
     */
    public static Topology build(TopicCatalog catalog, ProcessorSerdes serdes, ProcessorConfig config,
            int partitions, int requestPartitions, HealthConfig health) {
        StreamsBuilder builder = new StreamsBuilder();
        stores(serdes).forEach(builder::addStateStore);
        Topic<String, IntegrationRequestEvent> requests = catalog.integrationRequests();
        Topic<String, CfnCallback> callbacksTopic = catalog.cfnCallbacks();
        Topic<String, RoleVerificationResult> resultsTopic = catalog.roleVerificationResults();

        // Requests, in the task of their integration id: refuse malformed ones and reused integration ids, re-key
        // the others by external ID with the callbacks' partition count (co-partitioned).
        KStream<String, Object> intake = builder
                .stream(requests.name(), consumed(requests).withName("integration-requests"))
                .process(() -> new RequestIntakeProcessor(requests.name(), requests.valueSerde().serializer()),
                        Named.as(REQUEST_INTAKE), INTEGRATION_IDS_STORE);
        KStream<String, ExternalIdInput> requestsByExternalId = child(intake, IntegrationRequestEvent.class)
                .repartition(repartition(REQUESTS_BY_EXTERNAL_ID, serdes.requestEvents(), partitions))
                .mapValues(ExternalIdInput.Request::new, Named.as("request-input"));

        // Callbacks, keyed by external ID by the bridge.
        KStream<String, ExternalIdInput> callbacks = builder
                .stream(callbacksTopic.name(), consumed(callbacksTopic).withName("cfn-callbacks"))
                .mapValues(ExternalIdInput::ofCallback, Named.as("callback-input"));

        // The verifier's results on the roles the ledger asked about, keyed by external ID by the bridge.
        KStream<String, ExternalIdInput> verified = builder
                .stream(resultsTopic.name(), consumed(resultsTopic).withName("role-verification-results"))
                .mapValues(ExternalIdInput::ofVerification, Named.as("verification-input"));

        // Collectors' results, keyed by integration id: to the task of the integration id (the requests topic's
        // partition count), whose intake store knows the external ID, then on to the task of that external ID.
        Topic<String, CollectionResult> results = catalog.collectionResults();
        KStream<String, Object> resultIntake = builder
                .stream(results.name(), consumed(results).withName("collection-results"))
                .repartition(repartition(COLLECTION_RESULTS_BY_INTEGRATION_ID, serdes.collectionResults(),
                        requestPartitions))
                .process(() -> new CollectionResultIntake(results.name(), results.valueSerde().serializer()),
                        Named.as(COLLECTION_RESULT_INTAKE), INTEGRATION_IDS_STORE);
        KStream<String, ExternalIdInput> resultsByExternalId = child(resultIntake, CollectionResult.class)
                .repartition(repartition(COLLECTION_RESULTS_BY_EXTERNAL_ID, serdes.collectionResults(), partitions))
                .mapValues(ExternalIdInput.Collection::new, Named.as("collection-result-input"));
        child(resultIntake, DeadLetter.class).to(catalog.collectionResultsDlq().name(),
                produced(catalog.collectionResultsDlq()).withName(TopologyNames.UNUSABLE_COLLECTION_RESULTS));

        // Requests, callbacks and results meet the ledger of their external ID: answers, new states, verification
        // requests, account claims; and collection results, the health of connected integrations.
        HealthRules healthRules = HealthRules.of(health);
        KStream<String, Object> ledger = requestsByExternalId
                .merge(callbacks, Named.as("external-id-inputs"))
                .merge(verified, Named.as("external-id-inputs-and-results"))
                .merge(resultsByExternalId, Named.as("external-id-inputs-and-collection-results"))
                .process(() -> new ExternalIdLedger(config, catalog, serdes.callbacks(), healthRules),
                        Named.as(EXTERNAL_ID_LEDGER), INTEGRATIONS_BY_EXTERNAL_ID_STORE, REQUESTS_STORE,
                        HELD_CALLBACKS_STORE, PENDING_EXPIRY_STORE, VERIFYING_CALLBACKS_STORE, ROLE_DENIALS_STORE);

        // Ownership decided, the ledger asks the bridge's verifier about the role (keyed by external ID).
        child(ledger, RoleVerificationRequest.class).to(catalog.roleVerifications().name(),
                produced(catalog.roleVerifications()).withName(VERIFICATION_REQUESTS));

        // Claims and releases, decided in the task of (tenant, account): one AWS account per tenant.
        KStream<String, Object> accountClaims = child(ledger, ClaimInTransit.class)
                .repartition(repartition(CLAIMS_BY_ACCOUNT, serdes.claims(), partitions))
                .process(AccountClaimProcessor::new, Named.as(ACCOUNT_CLAIMS), ACCOUNT_CLAIMS_STORE);

        // Outcomes go back to the task of the external ID, whose ledger finishes the waiting Create.
        KStream<String, Object> finisher = child(accountClaims, OutcomeInTransit.class)
                .repartition(repartition(CLAIM_OUTCOMES_BY_EXTERNAL_ID, serdes.outcomes(), partitions))
                .process(() -> new ClaimFinisher(config, catalog, serdes.callbacks().deserializer()),
                        Named.as(CLAIM_FINISHER), INTEGRATIONS_BY_EXTERNAL_ID_STORE, REQUESTS_STORE);

        // A granted claim the finished Create cannot use goes back to the claims task (its own topic: no cycle).
        child(finisher, ClaimInTransit.class)
                .repartition(repartition(RELEASES_BY_ACCOUNT, serdes.claims(), partitions))
                .process(AccountClaimProcessor::new, Named.as(ACCOUNT_RELEASES), ACCOUNT_CLAIMS_STORE);

        // Answers, full states and dead letters to their topics (answers and states are encoded already).
        child(ledger, byte[].class).merge(child(finisher, byte[].class), Named.as(ANSWERS))
                .to(catalog.cfnResponses().name(), encoded("cfn-responses-sink"));
        child(ledger, byte[].class).merge(child(finisher, byte[].class), Named.as(STATES))
                .to(catalog.integrations().name(), encoded("integrations-sink"));
        child(intake, DeadLetter.class).merge(child(ledger, DeadLetter.class), Named.as(REFUSED_REQUESTS))
                .to(catalog.integrationRequestsDlq().name(),
                        produced(catalog.integrationRequestsDlq()).withName("integration-requests-dlq-sink"));
        child(ledger, DeadLetter.class)
                .to(catalog.cfnCallbacksDlq().name(),
                        produced(catalog.cfnCallbacksDlq()).withName(REJECTED_CALLBACKS));

        // Read the committed states back by integration id, indexed by tenant. The topic is the store's changelog;
        // the store keeps the topic's bytes: they are decoded when queried, not on every state change.
        Topic<String, Integration> integrations = catalog.integrations();
        Topology topology = builder.build();
        topology.addReadOnlyStateStore(integrationsById(), "integrations-read-back", new StringDeserializer(),
                new ByteArrayDeserializer(), integrations.name(), INTEGRATION_READ_BACK,
                () -> new IntegrationReadBack(integrations.name(), integrations.valueSerde().deserializer()));
        topology.connectProcessorAndStateStores(INTEGRATION_READ_BACK, TENANT_INDEX_STORE);
        return topology;
    }

    /**
     * What a processor forwards by name to the child built on this view. Kafka Streams types a processor's output
     * once; one that forwards to several named children sends each its own type, which the child's serde reads (as
     * a sink takes any serializer in the Processor API).
     */
    @SuppressWarnings("unchecked")
    private static <V> KStream<String, V> child(KStream<String, Object> processor, Class<V> forwarded) {
        return (KStream<String, V>) (KStream<String, ?>) processor;
    }

    private static <V> Repartitioned<String, V> repartition(String name, Serde<V> values, int partitions) {
        return Repartitioned.with(Serdes.String(), values).withName(name).withNumberOfPartitions(partitions);
    }

    /** A sink of values the processor encoded with the topic's own serde. */
    private static Produced<String, byte[]> encoded(String name) {
        return Produced.with(Serdes.String(), Serdes.ByteArray()).withName(name);
    }

    /** The stores the processors write (changelogged, so a lost instance's state is restored elsewhere). */
    static List<StoreBuilder<?>> stores(ProcessorSerdes serdes) {
        Serde<String> strings = Serdes.String();
        return List.of(
                keyValue(INTEGRATION_IDS_STORE, strings),
                keyValue(INTEGRATIONS_BY_EXTERNAL_ID_STORE, serdes.ledgerEntries()),
                keyValue(PENDING_EXPIRY_STORE, strings),
                keyValue(REQUESTS_STORE, serdes.decidedAnswers()),
                Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore(HELD_CALLBACKS_STORE),
                        strings, serdes.callbacks()),
                Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore(
                        VERIFYING_CALLBACKS_STORE), strings, serdes.callbacks()),
                keyValue(ACCOUNT_CLAIMS_STORE, serdes.accountHolders()),
                keyValue(TENANT_INDEX_STORE, strings),
                keyValue(ROLE_DENIALS_STORE, Serdes.Integer()));
    }

    /** The store the integrations topic is read back into: that topic is its changelog. */
    static StoreBuilder<TimestampedKeyValueStore<String, byte[]>> integrationsById() {
        return Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore(
                INTEGRATIONS_BY_ID_STORE), Serdes.String(), Serdes.ByteArray());
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> keyValue(String name, Serde<V> values) {
        // Changelogged (the default), so a lost instance's state is restored elsewhere.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values);
    }

    private static <K, V> Consumed<K, V> consumed(Topic<K, V> topic) {
        return Consumed.with(topic.keySerde(), topic.valueSerde());
    }

    private static <K, V> Produced<K, V> produced(Topic<K, V> topic) {
        return Produced.with(topic.keySerde(), topic.valueSerde());
    }
}
