package dev.onboarding.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import dev.onboarding.schemas.serde.SchemaRegistryException;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.junit.jupiter.api.Test;

/** Bad records go to their DLQ; a registry outage is retried, never dead-lettered. */
class UnreadableRecordHandlerTest {
    private final TopicCatalog catalog = TopicCatalog.create(TopicSettings.defaults(),
            InMemorySchemaRegistry.scope("handler-test"), true);
    private final UnreadableRecordHandler handler = new UnreadableRecordHandler();

    UnreadableRecordHandlerTest() {
        handler.configure(Map.of(UnreadableRecordHandler.ROUTES_CONFIG, DeadLetterRoutes.of(catalog)));
    }

    private ConsumerRecord<byte[], byte[]> record(String topic) {
        return new ConsumerRecord<>(topic, 2, 17, "key".getBytes(StandardCharsets.UTF_8),
                "garbage".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anUnreadableCallbackGoesToTheCallbacksDeadLetterQueue() {
        var response = handler.handleError(null, record(catalog.cfnCallbacks().name()),
                new SerializationException("unknown magic byte"));
        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo(catalog.cfnCallbacksDlq().name());
            DeadLetter letter = catalog.cfnCallbacksDlq().valueSerde().deserializer().deserialize(r.topic(), r.value());
            assertThat(letter.getReasonCode()).isEqualTo(DeadLetters.UNREADABLE);
            assertThat(letter.getReason()).contains("unknown magic byte");
            assertThat(letter.getOriginalValue().array()).isEqualTo("garbage".getBytes(StandardCharsets.UTF_8));
        });
    }

    @Test
    void aRegistryOutageFailsSoTheRecordIsRetried() {
        var unreachable = handler.handleError(null, record(catalog.cfnCallbacks().name()),
                new SerializationException("wrapped", new SchemaRegistryException("down", -1, null)));
        assertThat(unreachable.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        assertThat(unreachable.deadLetterQueueRecords()).isEmpty();
        var serverError = handler.handleError(null, record(catalog.integrationRequests().name()),
                new SchemaRegistryException("oops", 503, null));
        assertThat(serverError.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
        // An unknown schema id is the record's fault: dead-lettered.
        var unknownId = handler.handleError(null, record(catalog.integrationRequests().name()),
                new SchemaRegistryException("no schema with id 99", 404, null));
        assertThat(unknownId.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(unknownId.deadLetterQueueRecords()).hasSize(1);
    }

    @Test
    void anUnreadableRecordOfAnInternalTopicFails() {
        assertThat(handler.handleError(null, record("onboarding-processor-claims-by-account-repartition"),
                new SerializationException("x")).result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
    }
}
