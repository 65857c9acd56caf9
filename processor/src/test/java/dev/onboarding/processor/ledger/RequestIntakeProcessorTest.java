package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TopologyNames.INTEGRATION_IDS_STORE;
import static dev.onboarding.processor.TopologyNames.REFUSED_REQUESTS;
import static dev.onboarding.processor.TopologyNames.REKEYED_REQUESTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.DeadLetter;
import dev.onboarding.contract.IntegrationRequestEvent;
import dev.onboarding.contract.KafkaSource;
import dev.onboarding.processor.DeadLetters;
import dev.onboarding.processor.MockTask;
import dev.onboarding.processor.TestData;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request intake alone: what it sends on, what it refuses. */
class RequestIntakeProcessorTest {
    private final MockTask task = new MockTask(INTEGRATION_IDS_STORE);
    private final String topic = task.catalog.integrationRequests().name();
    private final RequestIntakeProcessor intake = new RequestIntakeProcessor(topic,
            task.catalog.integrationRequests().valueSerde().serializer());

    @BeforeEach
    void init() {
        intake.init(task.context);
        task.context.setRecordMetadata(topic, 2, 40);
    }

    @AfterEach
    void close() {
        task.close();
    }

    private void process(IntegrationRequestEvent event) {
        intake.process(task.record(PendingIntegrations.integrationIdOf(event), event));
    }

    private IntegrationRequestEvent requested(String integrationId, String externalId) {
        return TestData.requested(integrationId, "tenant-a", externalId, task.now(), Duration.ofHours(24));
    }

    @Test
    void aRequestGoesOnKeyedByItsExternalIdWithWhereItCameFrom() {
        String ext = TestData.externalId();
        IntegrationRequestEvent event = requested("int-1", ext);

        process(event);

        assertThat(task.<IntegrationRequestEvent>forwarded(REKEYED_REQUESTS)).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(ext);
            assertThat(r.value()).isEqualTo(event);
            assertThat(DeadLetters.sourcePartition(r.headers())).isEqualTo(2);
            assertThat(DeadLetters.sourceOffset(r.headers())).isEqualTo(40);
        });
        assertThat(task.forwarded(REFUSED_REQUESTS)).isEmpty();
        assertThat(task.<String>store(INTEGRATION_IDS_STORE).get("int-1")).isEqualTo(ext);
    }

    @Test
    void anIntegrationIdRequestedAgainWithAnotherExternalIdIsRefused() {
        String ext = TestData.externalId();
        process(requested("int-1", ext));
        task.context.resetForwards();

        process(requested("int-1", TestData.externalId()));

        assertThat(task.forwarded(REKEYED_REQUESTS)).isEmpty();
        assertThat(task.<DeadLetter>forwarded(REFUSED_REQUESTS)).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("int-1");
            assertThat(r.value().getReasonCode()).isEqualTo(PendingIntegrations.INTEGRATION_ID_IN_USE);
            KafkaSource source = (KafkaSource) r.value().getSource();
            assertThat(source.getTopic()).isEqualTo(topic);
            assertThat(source.getPartition()).isEqualTo(2);
            assertThat(source.getOffset()).isEqualTo(40);
            assertThat(r.value().getOriginalValue()).isNotNull();
        });
        assertThat(task.<String>store(INTEGRATION_IDS_STORE).get("int-1")).isEqualTo(ext);
    }

    @Test
    void aMalformedRequestAndACancelOfAnUnknownIntegrationAreRefused() {
        process(requested("int-1", "bad id with spaces"));
        process(TestData.cancelled("int-2", "tenant-a", TestData.externalId(), task.now()));

        assertThat(task.forwarded(REKEYED_REQUESTS)).isEmpty();
        assertThat(task.<DeadLetter>forwarded(REFUSED_REQUESTS)).extracting(r -> r.value().getReasonCode())
                .containsExactly(PendingIntegrations.MALFORMED, PendingIntegrations.UNKNOWN_INTEGRATION);
        assertThat(task.<String>store(INTEGRATION_IDS_STORE).get("int-1")).isNull();
    }
}
