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
import dev.onboarding.contract.IntegrationCancelled;
import dev.onboarding.contract.IntegrationRequested;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.streams.processor.api.Record;
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

    @Test
    void aRequestWhoseExternalIdWasNotMintedIsRefusedUnlessTheOperatorAcceptsItsLegacyPattern() {
        process(requested("int-1", "customer-chose-this-id"));
        assertThat(task.<DeadLetter>forwarded(REFUSED_REQUESTS)).singleElement().satisfies(r -> {
            assertThat(r.value().getReasonCode()).isEqualTo(PendingIntegrations.EXTERNAL_ID_NOT_MINTED);
            assertThat(r.value().getReason()).contains("not one this provider mints")
                    .doesNotContain("customer-chose-this-id");
        });
        assertThat(task.forwarded(REKEYED_REQUESTS)).isEmpty();

        RequestIntakeProcessor legacy = new RequestIntakeProcessor(topic,
                task.catalog.integrationRequests().valueSerde().serializer(),
                Optional.of(Pattern.compile("legacy-[0-9a-f]{16}")));
        legacy.init(task.context);
        task.context.resetForwards();
        legacy.process(task.record("int-2", requested("int-2", "legacy-0123456789abcdef")));
        legacy.process(task.record("int-3", requested("int-3", "legacy-not-hex-at-all")));

        assertThat(task.<IntegrationRequestEvent>forwarded(REKEYED_REQUESTS)).extracting(r -> r.key())
                .containsExactly("legacy-0123456789abcdef");
        assertThat(task.<DeadLetter>forwarded(REFUSED_REQUESTS)).extracting(r -> r.value().getReasonCode())
                .containsExactly(PendingIntegrations.EXTERNAL_ID_NOT_MINTED);
    }

    @Test
    void aCancelMayNameALegacyExternalId() {
        RequestIntakeProcessor legacy = new RequestIntakeProcessor(topic,
                task.catalog.integrationRequests().valueSerde().serializer(),
                Optional.of(Pattern.compile("legacy-.*")));
        legacy.init(task.context);
        legacy.process(task.record("int-1", requested("int-1", "legacy-1")));
        // The operator dropped the pattern later: the integration can still be cancelled.
        process(TestData.cancelled("int-1", "tenant-a", "legacy-1", task.now()));

        assertThat(task.forwarded(REFUSED_REQUESTS)).isEmpty();
        assertThat(task.forwarded(REKEYED_REQUESTS)).hasSize(2);
    }

    @Test
    void everyStringOverItsBoundIsRefusedNamingTheFieldNotTheValue() {
        String ext = TestData.externalId();
        Map<String, IntegrationRequestEvent> tooLong = new LinkedHashMap<>();
        tooLong.put("integrationId", requested("i".repeat(129), ext));
        tooLong.put("tenantId", withRequested(requested("int-1", ext), r -> r.setTenantId("t".repeat(257))));
        tooLong.put("externalId", requested("int-1", "x".repeat(1225)));
        tooLong.put("roleName", withRequested(requested("int-1", ext), r -> r.setRoleName("r".repeat(65))));
        tooLong.put("name", withRequested(requested("int-1", ext), r -> r.setName("n".repeat(257))));
        tooLong.put("description", withRequested(requested("int-1", ext),
                r -> r.setDescription("d".repeat(1025))));
        tooLong.put("expectedAccountId", withRequested(requested("int-1", ext),
                r -> r.setExpectedAccountId("1".repeat(13))));
        tooLong.put("tags", withRequested(requested("int-1", ext), r -> r.setTags(manyTags(51))));
        tooLong.put("tag key", withRequested(requested("int-1", ext), r -> r.setTags(Map.of("k".repeat(129), "v"))));
        tooLong.put("tag value", withRequested(requested("int-1", ext),
                r -> r.setTags(Map.of("k", "v".repeat(257)))));
        tooLong.put("reason", new IntegrationRequestEvent(IntegrationCancelled.newBuilder(
                (IntegrationCancelled) TestData.cancelled("int-1", "tenant-a", ext, task.now()).getEvent())
                .setReason("because ".repeat(200)).build()));

        tooLong.values().forEach(this::process);

        List<DeadLetter> refused = task.<DeadLetter>forwarded(REFUSED_REQUESTS).stream().map(r -> r.value()).toList();
        assertThat(refused).hasSize(tooLong.size()).allSatisfy(letter -> {
            assertThat(letter.getReasonCode()).isEqualTo(PendingIntegrations.FIELD_TOO_LONG);
            assertThat(letter.getReason()).doesNotContain("xxxx", "tttt", "rrrr", "nnnn", "dddd", "because");
        });
        List<String> fields = new ArrayList<>(tooLong.keySet());
        for (int n = 0; n < fields.size(); n++) {
            assertThat(refused.get(n).getReason()).as(fields.get(n)).startsWith(fields.get(n) + " has ");
        }
        assertThat(task.forwarded(REKEYED_REQUESTS)).isEmpty();

        // At the bounds, it goes on.
        task.context.resetForwards();
        process(withRequested(requested("i".repeat(128), ext), r -> r.setTenantId("t".repeat(256))
                .setName("n".repeat(256)).setDescription("d".repeat(1024)).setRoleName("r".repeat(64))
                .setTags(manyTags(50))));
        assertThat(task.forwarded(REFUSED_REQUESTS)).isEmpty();
        assertThat(task.forwarded(REKEYED_REQUESTS)).hasSize(1);
    }

    @Test
    void aTenantIdOver65535BytesIsRefusedAndAnOverLongKeyIsCutInTheDeadLetter() {
        String huge = "t".repeat(70_000);
        process(withRequested(requested("int-1", TestData.externalId()), r -> r.setTenantId(huge)));
        intake.process(task.record("k".repeat(200_000), requested("k".repeat(200_000), TestData.externalId())));

        List<Record<String, DeadLetter>> refused = task.forwarded(REFUSED_REQUESTS);
        assertThat(refused).extracting(r -> r.value().getReasonCode())
                .containsExactly(PendingIntegrations.FIELD_TOO_LONG, PendingIntegrations.FIELD_TOO_LONG);
        assertThat(refused.get(0).value().getReason()).isEqualTo("tenantId has 70000 characters, more than 256");
        Record<String, DeadLetter> longKey = refused.get(1);
        assertThat(longKey.key()).hasSize(RequestIntakeProcessor.MAX_DEAD_LETTER_KEY_CHARS);
        assertThat(longKey.value().getOriginalKey().remaining()).isLessThanOrEqualTo(
                RequestIntakeProcessor.MAX_DEAD_LETTER_KEY_CHARS * 3);
        assertThat(longKey.value().getOriginalValueSize()).isGreaterThan(200_000);
    }

    private static IntegrationRequestEvent withRequested(IntegrationRequestEvent event,
            java.util.function.UnaryOperator<IntegrationRequested.Builder> change) {
        return new IntegrationRequestEvent(change.apply(IntegrationRequested.newBuilder(
                (IntegrationRequested) event.getEvent())).build());
    }

    private static Map<String, String> manyTags(int count) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int n = 0; n < count; n++) {
            tags.put("k" + n, "v");
        }
        return tags;
    }
}
