package dev.onboarding.processor;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.schemas.topics.Topic;
import dev.onboarding.schemas.topics.TopicCatalog;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Where an unreadable record of each input topic goes: callbacks to the callbacks DLQ, requests to the
 * requests DLQ, role verification results to the callbacks DLQ too (the callback waiting for one is answered FAILED
 * when its wait is over). The integrations read-back keeps raw bytes (nothing to fail); an unreadable record of an
 * internal topic stops the thread: only this app writes those, so it is a bug or a registry problem.
 */
public final class DeadLetterRoutes {
    private final Map<String, Topic<String, DeadLetter>> byInputTopic;

    private DeadLetterRoutes(Map<String, Topic<String, DeadLetter>> byInputTopic) {
        this.byInputTopic = Map.copyOf(byInputTopic);
    }

    /** The routes for the processor's input topics. */
    public static DeadLetterRoutes of(TopicCatalog catalog) {
        return new DeadLetterRoutes(Map.of(
                catalog.cfnCallbacks().name(), catalog.cfnCallbacksDlq(),
                catalog.integrationRequests().name(), catalog.integrationRequestsDlq(),
                catalog.roleVerificationResults().name(), catalog.cfnCallbacksDlq(),
                catalog.collectionResults().name(), catalog.collectionResultsDlq()));
    }

    /** The dead-letter topic for records of {@code inputTopic}, if it has one. */
    public Optional<String> deadLetterTopic(String inputTopic) {
        return Optional.ofNullable(byInputTopic.get(inputTopic)).map(Topic::name);
    }

    /** The serializer of dead letters for records of {@code inputTopic}. */
    public Serializer<DeadLetter> serializer(String inputTopic) {
        return byInputTopic.get(inputTopic).valueSerde().serializer();
    }
}
