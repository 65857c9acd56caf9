package dev.onboarding.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.contract.CfnResponse;
import dev.onboarding.schemas.serde.AvroSerde;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import dev.onboarding.schemas.serde.SchemaRegistry;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The requests store's values: decided answers in the responses topic's format. */
class RequestStateTest {
    private static final String TOPIC = "onboarding.cfn-responses";
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private final String scope = "request-state-" + UUID.randomUUID();
    private final SchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
    private final AvroSerde<CfnResponse> responses = AvroSerde.forValues(CfnResponse.class, registry, true);
    private final Serde<RequestState> serde = RequestState.serde();
    private final CfnCallback create = TestData.create(TestData.externalId(), "req-1", TestData.ACCOUNT, "s", NOW)
            .build();
    private final CfnResponse answer = CallbackAnswers.failed(create, "no", null, NOW);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.drop(scope);
    }

    private RequestState roundTrip(RequestState state) {
        return serde.deserializer().deserialize("app-requests-changelog", serde.serializer().serialize(
                "app-requests-changelog", state));
    }

    @Test
    void aDecidedAnswerKeepsItsTimeAndItsBytes() {
        byte[] bytes = responses.serialize(TOPIC, answer);
        RequestState.Decided read = (RequestState.Decided) roundTrip(new RequestState.Decided(NOW.toEpochMilli(),
                bytes));
        assertThat(read.decidedAtMillis()).isEqualTo(NOW.toEpochMilli());
        assertThat(read.answer()).isEqualTo(bytes);
        assertThat(read).isEqualTo(new RequestState.Decided(NOW.toEpochMilli(), bytes.clone()));
    }

    @Test
    void aDamagedValueIsASerializationError() {
        byte[] good = serde.serializer().serialize("t", new RequestState.Decided(1, new byte[] {1, 2}));
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", Arrays.copyOf(good, 5)))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {'X'}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("tag");
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[0]))
                .isInstanceOf(SerializationException.class);
    }
}
