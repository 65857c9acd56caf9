package dev.onboarding.schemas.topics;

import dev.onboarding.schemas.ContractSamples;
import java.util.EnumMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** The catalog's topics by definition, and a sample value for each, for tests that go over every topic. */
final class CatalogTopics {
    private CatalogTopics() {
    }

    /** Every topic of {@code catalog}, keyed by what it is. */
    static Map<TopicDefinition, Topic<String, ? extends SpecificRecord>> byDefinition(TopicCatalog catalog) {
        Map<TopicDefinition, Topic<String, ? extends SpecificRecord>> topics = new EnumMap<>(TopicDefinition.class);
        topics.put(TopicDefinition.INTEGRATION_REQUESTS, catalog.integrationRequests());
        topics.put(TopicDefinition.CFN_CALLBACKS, catalog.cfnCallbacks());
        topics.put(TopicDefinition.CFN_RESPONSES, catalog.cfnResponses());
        topics.put(TopicDefinition.CFN_RESPONSES_RETRY, catalog.cfnResponsesRetry());
        topics.put(TopicDefinition.INTEGRATIONS, catalog.integrations());
        topics.put(TopicDefinition.COLLECTION_JOBS, catalog.collectionJobs());
        topics.put(TopicDefinition.COLLECTION_RESULTS, catalog.collectionResults());
        topics.put(TopicDefinition.COLLECTION_RESULTS_DLQ, catalog.collectionResultsDlq());
        topics.put(TopicDefinition.CFN_CALLBACKS_DLQ, catalog.cfnCallbacksDlq());
        topics.put(TopicDefinition.INTEGRATION_REQUESTS_DLQ, catalog.integrationRequestsDlq());
        topics.put(TopicDefinition.CFN_RESPONSES_DLQ, catalog.cfnResponsesDlq());
        topics.put(TopicDefinition.INTEGRATIONS_DLQ, catalog.integrationsDlq());
        topics.put(TopicDefinition.ROLE_VERIFICATIONS, catalog.roleVerifications());
        topics.put(TopicDefinition.ROLE_VERIFICATION_RESULTS, catalog.roleVerificationResults());
        return topics;
    }

    /** A realistic value for the topic. */
    static SpecificRecord sample(TopicDefinition definition) {
        return switch (definition) {
            case INTEGRATION_REQUESTS -> ContractSamples.integrationRequested();
            case CFN_CALLBACKS -> ContractSamples.cfnCallback();
            case CFN_RESPONSES, CFN_RESPONSES_RETRY -> ContractSamples.cfnResponse();
            case INTEGRATIONS -> ContractSamples.integration();
            case COLLECTION_JOBS -> ContractSamples.collectionJob();
            case COLLECTION_RESULTS -> ContractSamples.collectionResultDenied();
            case COLLECTION_RESULTS_DLQ -> ContractSamples.deadLetterFromKafka();
            case CFN_CALLBACKS_DLQ -> ContractSamples.deadLetterFromSqs();
            case INTEGRATION_REQUESTS_DLQ, CFN_RESPONSES_DLQ, INTEGRATIONS_DLQ -> ContractSamples.deadLetterFromKafka();
            case ROLE_VERIFICATIONS -> ContractSamples.roleVerificationRequest();
            case ROLE_VERIFICATION_RESULTS -> ContractSamples.roleVerificationResult();
        };
    }
}
