package dev.onboarding.schemas.topics;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.contract.CollectionJob;
import dev.onboarding.contract.CollectionResult;
import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.RoleVerificationRequest;
import dev.onboarding.contract.RoleVerificationResult;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.SchemaRegistry;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed catalog of every topic: configured names paired with their serdes. Immutable; serdes
 * are fully configured at construction. Keys are plain strings.
 */
public final class TopicCatalog {
    private final TopicSettings settings;
    private final Topic<String, IntegrationRequestEvent> integrationRequests;
    private final Topic<String, CfnCallback> cfnCallbacks;
    private final Topic<String, CfnResponse> cfnResponses;
    private final Topic<String, CfnResponse> cfnResponsesRetry;
    private final Topic<String, Integration> integrations;
    private final Topic<String, CollectionJob> collectionJobs;
    private final Topic<String, CollectionResult> collectionResults;
    private final Topic<String, DeadLetter> collectionResultsDlq;
    private final Topic<String, DeadLetter> cfnCallbacksDlq;
    private final Topic<String, DeadLetter> integrationRequestsDlq;
    private final Topic<String, DeadLetter> cfnResponsesDlq;
    private final Topic<String, DeadLetter> integrationsDlq;
    private final Topic<String, RoleVerificationRequest> roleVerifications;
    private final Topic<String, RoleVerificationResult> roleVerificationResults;

    private TopicCatalog(TopicSettings settings, SchemaRegistry registry, boolean autoRegister) {
        this.settings = settings;
        this.integrationRequests = topic(TopicDefinition.INTEGRATION_REQUESTS, IntegrationRequestEvent.class, registry,
                autoRegister);
        this.cfnCallbacks = topic(TopicDefinition.CFN_CALLBACKS, CfnCallback.class, registry, autoRegister);
        AvroSerde<CfnResponse> responses = AvroSerde.forValues(CfnResponse.class, registry, autoRegister);
        this.cfnResponses = new Topic<>(settings.name(TopicDefinition.CFN_RESPONSES), Serdes.String(), responses);
        this.cfnResponsesRetry = new Topic<>(settings.name(TopicDefinition.CFN_RESPONSES_RETRY), Serdes.String(),
                responses);
        this.integrations = topic(TopicDefinition.INTEGRATIONS, Integration.class, registry, autoRegister);
        this.collectionJobs = topic(TopicDefinition.COLLECTION_JOBS, CollectionJob.class, registry, autoRegister);
        this.collectionResults = topic(TopicDefinition.COLLECTION_RESULTS, CollectionResult.class, registry,
                autoRegister);
        AvroSerde<DeadLetter> deadLetters = AvroSerde.forValues(DeadLetter.class, registry, autoRegister);
        this.cfnCallbacksDlq = new Topic<>(settings.name(TopicDefinition.CFN_CALLBACKS_DLQ), Serdes.String(),
                deadLetters);
        this.integrationRequestsDlq = new Topic<>(settings.name(TopicDefinition.INTEGRATION_REQUESTS_DLQ),
                Serdes.String(), deadLetters);
        this.cfnResponsesDlq = new Topic<>(settings.name(TopicDefinition.CFN_RESPONSES_DLQ), Serdes.String(),
                deadLetters);
        this.integrationsDlq = new Topic<>(settings.name(TopicDefinition.INTEGRATIONS_DLQ), Serdes.String(),
                deadLetters);
        this.collectionResultsDlq = new Topic<>(settings.name(TopicDefinition.COLLECTION_RESULTS_DLQ),
                Serdes.String(), deadLetters);
        this.roleVerifications = topic(TopicDefinition.ROLE_VERIFICATIONS, RoleVerificationRequest.class, registry,
                autoRegister);
        this.roleVerificationResults = topic(TopicDefinition.ROLE_VERIFICATION_RESULTS, RoleVerificationResult.class,
                registry, autoRegister);
    }

    /** A catalog whose serdes use {@code registry}. */
    public static TopicCatalog create(TopicSettings settings, SchemaRegistry registry, boolean autoRegister) {
        return new TopicCatalog(settings, registry, autoRegister);
    }

    private <V extends SpecificRecord> Topic<String, V> topic(TopicDefinition def, Class<V> type,
            SchemaRegistry registry, boolean autoRegister) {
        Serde<V> serde = AvroSerde.forValues(type, registry, autoRegister);
        return new Topic<>(settings.name(def), Serdes.String(), serde);
    }

    /** Names and settings behind this catalog. */
    public TopicSettings settings() {
        return settings;
    }

    /** {@code onboarding.integration-requests}, key integration id. */
    public Topic<String, IntegrationRequestEvent> integrationRequests() {
        return integrationRequests;
    }

    /** {@code onboarding.cfn-callbacks}, key external id. */
    public Topic<String, CfnCallback> cfnCallbacks() {
        return cfnCallbacks;
    }

    /** {@code onboarding.cfn-responses}, key request id. */
    public Topic<String, CfnResponse> cfnResponses() {
        return cfnResponses;
    }

    /** {@code onboarding.cfn-responses.retry}, key request id. */
    public Topic<String, CfnResponse> cfnResponsesRetry() {
        return cfnResponsesRetry;
    }

    /** {@code onboarding.integrations} (compacted), key integration id. */
    public Topic<String, Integration> integrations() {
        return integrations;
    }

    /** {@code onboarding.collection-jobs}, key integration id. */
    public Topic<String, CollectionJob> collectionJobs() {
        return collectionJobs;
    }

    /** {@code onboarding.collection-results}, key integration id: one result per job, from the collectors. */
    public Topic<String, CollectionResult> collectionResults() {
        return collectionResults;
    }

    /** {@code onboarding.collection-results.dlq}: collection results the processor could not use. */
    public Topic<String, DeadLetter> collectionResultsDlq() {
        return collectionResultsDlq;
    }

    /** {@code onboarding.cfn-callbacks.dlq}. */
    public Topic<String, DeadLetter> cfnCallbacksDlq() {
        return cfnCallbacksDlq;
    }

    /** {@code onboarding.integration-requests.dlq}. */
    public Topic<String, DeadLetter> integrationRequestsDlq() {
        return integrationRequestsDlq;
    }

    /** {@code onboarding.cfn-responses.dlq}. */
    public Topic<String, DeadLetter> cfnResponsesDlq() {
        return cfnResponsesDlq;
    }

    /** {@code onboarding.integrations.dlq}: integration records the scheduler could not use. */
    public Topic<String, DeadLetter> integrationsDlq() {
        return integrationsDlq;
    }

    /** {@code onboarding.role-verifications}, key external id: what the processor asks the bridge's verifier. */
    public Topic<String, RoleVerificationRequest> roleVerifications() {
        return roleVerifications;
    }

    /** {@code onboarding.role-verification-results}, key external id: the verifier's answers. */
    public Topic<String, RoleVerificationResult> roleVerificationResults() {
        return roleVerificationResults;
    }

    /** Every dead-letter topic, in catalog order. */
    public List<Topic<String, DeadLetter>> deadLetterTopics() {
        return List.of(cfnCallbacksDlq, integrationRequestsDlq, cfnResponsesDlq, integrationsDlq, collectionResultsDlq);
    }
}
