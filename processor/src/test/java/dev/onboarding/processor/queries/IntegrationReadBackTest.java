package dev.onboarding.processor.queries;

import static dev.onboarding.processor.TopologyNames.INTEGRATIONS_BY_ID_STORE;
import static dev.onboarding.processor.TopologyNames.TENANT_INDEX_STORE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.processor.MockTask;
import dev.onboarding.processor.TestData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The read-back alone: the integrations topic in, the by-id store and the tenant index kept. */
class IntegrationReadBackTest {
    private final MockTask task = new MockTask(INTEGRATIONS_BY_ID_STORE, TENANT_INDEX_STORE);
    private final String topic = task.catalog.integrations().name();
    private final IntegrationReadBack readBack = new IntegrationReadBack(topic,
            task.catalog.integrations().valueSerde().deserializer());

    @BeforeEach
    void init() {
        readBack.init(task.contextOf());
    }

    @AfterEach
    void close() {
        task.close();
    }

    private byte[] state(String integrationId, String tenant, IntegrationStatus status) {
        Integration integration = Integration.newBuilder().setIntegrationId(integrationId).setTenantId(tenant)
                .setExternalId(TestData.externalId()).setName("n").setStatus(status).setRoleName("R")
                .setRequestedAt(task.now()).setExpiresAt(task.now()).setUpdatedAt(task.now()).setVersion(1).build();
        return task.catalog.integrations().valueSerde().serializer().serialize(topic, integration);
    }

    private List<String> tenant(String tenant) {
        KeyValueStore<String, String> index = task.store(TENANT_INDEX_STORE);
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, String> it = index.prefixScan(TenantKeys.prefix(tenant),
                new StringSerializer())) {
            it.forEachRemaining(kv -> ids.add(kv.value));
        }
        return ids;
    }

    @Test
    void statesAreKeptByIdAsTheTopicHoldsThemAndIndexedByTenantOnce() {
        byte[] pending = state("int-1", "tenant-a", IntegrationStatus.PENDING);
        byte[] connected = state("int-1", "tenant-a", IntegrationStatus.CONNECTED);
        readBack.process(task.record("int-1", pending));
        readBack.process(task.record("int-2", state("int-2", "tenant-b", IntegrationStatus.PENDING)));
        readBack.process(task.record("int-1", connected));

        TimestampedKeyValueStore<String, byte[]> byId = task.context.getStateStore(INTEGRATIONS_BY_ID_STORE);
        assertThat(byId.get("int-1").value()).isEqualTo(connected);
        assertThat(tenant("tenant-a")).containsExactly("int-1");
        assertThat(tenant("tenant-b")).containsExactly("int-2");
    }

    @Test
    void aTombstoneRemovesTheStateAndUnreadableBytesAreKeptButNotIndexed() {
        readBack.process(task.record("int-1", state("int-1", "tenant-a", IntegrationStatus.PENDING)));
        readBack.process(task.record("int-1", null));
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        readBack.process(task.record("int-9", garbage));
        readBack.process(task.record(null, garbage));

        TimestampedKeyValueStore<String, byte[]> byId = task.context.getStateStore(INTEGRATIONS_BY_ID_STORE);
        assertThat(byId.get("int-1")).isNull();
        assertThat(byId.get("int-9").value()).isEqualTo(garbage);
        assertThat(tenant("tenant-a")).as("the index keeps its entry").containsExactly("int-1");
        assertThat(byId.approximateNumEntries()).isEqualTo(1);
    }
}
