package dev.onboarding.processor.queries;

import dev.onboarding.contract.HealthStatus;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.processor.ProcessorMetrics;
import dev.onboarding.processor.TopologyNames;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the committed integration states back from the integrations topic into the store queried by id
 * (the topic is that store's changelog), and keeps the tenant index beside it ({@link TenantKeys} key ->
 * integration id), in the same task and partition. An integration never changes tenant, so it is indexed once,
 * when its id is first seen. Each state and the one it replaces are decoded for their status, which the
 * {@code processor_integrations{status}} and {@code processor_integrations_by_health{health}} gauges count (counted
 * afresh from the store when the task starts).
 */
public final class IntegrationReadBack implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(IntegrationReadBack.class);

    private final String topic;
    private final Deserializer<Integration> deserializer;
    private TimestampedKeyValueStore<String, byte[]> byId;
    private KeyValueStore<String, String> index;
    private ProcessorMetrics.Task metrics;

    /**
     * A read-back.
     *
     * @param topic the integrations topic
     * @param deserializer its value deserializer (an integration is decoded when first seen, to index it)
     */
    public IntegrationReadBack(String topic, Deserializer<Integration> deserializer) {
        this.topic = topic;
        this.deserializer = deserializer;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.byId = context.getStateStore(TopologyNames.INTEGRATIONS_BY_ID_STORE);
        this.index = context.getStateStore(TopologyNames.TENANT_INDEX_STORE);
        this.metrics = ProcessorMetrics.of(context);
        // Counted once per task start, on the restored store; then kept by each change.
        long[] byStatus = new long[IntegrationStatus.values().length];
        long[] byHealth = new long[HealthStatus.values().length];
        try (KeyValueIterator<String, ValueAndTimestamp<byte[]>> it = byId.all()) {
            it.forEachRemaining(kv -> {
                Integration state = stateOf(kv.key, kv.value);
                if (state != null) {
                    byStatus[state.getStatus().ordinal()]++;
                    HealthStatus health = healthOf(state);
                    if (health != null) {
                        byHealth[health.ordinal()]++;
                    }
                }
            });
        }
        metrics.integrations(byStatus);
        metrics.integrationsByHealth(byHealth);
    }

    @Override
    public void close() {
        metrics.close();
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        ValueAndTimestamp<byte[]> prior = byId.get(record.key());
        if (record.value() == null) {
            // Only another writer deletes from the topic; the store follows it, the index keeps its entry.
            byId.delete(record.key());
            Integration before = stateOf(record.key(), prior);
            metrics.integrationMoved(statusOf(before), null);
            metrics.healthMoved(healthOf(before), null);
            return;
        }
        Integration before = stateOf(record.key(), prior);
        boolean firstSeen = prior == null;
        byId.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
        Integration state;
        try {
            state = deserializer.deserialize(topic, record.value());
        } catch (RuntimeException e) {
            // Another writer's garbage on the state topic: it cannot be indexed (nor answered), but must not stop us.
            LOG.warn("cannot index integration {}: {}", record.key(), e.getMessage());
            metrics.integrationMoved(statusOf(before), null);
            metrics.healthMoved(healthOf(before), null);
            return;
        }
        metrics.integrationMoved(statusOf(before), state.getStatus());
        metrics.healthMoved(healthOf(before), healthOf(state));
        if (firstSeen) {
            index.put(TenantKeys.key(state.getTenantId(), record.key()), record.key());
        }
    }

    private static IntegrationStatus statusOf(Integration state) {
        return state == null ? null : state.getStatus();
    }

    /** The health a CONNECTED state counts under (not checked yet: HEALTHY); null when it is not CONNECTED. */
    private static HealthStatus healthOf(Integration state) {
        if (state == null || state.getStatus() != IntegrationStatus.CONNECTED) {
            return null;
        }
        return state.getHealth() == null ? HealthStatus.HEALTHY : state.getHealth().getStatus();
    }

    /** The state a store entry holds, or null when there is none or it cannot be read. */
    private Integration stateOf(String key, ValueAndTimestamp<byte[]> stored) {
        if (stored == null || stored.value() == null) {
            return null;
        }
        try {
            return deserializer.deserialize(topic, stored.value());
        } catch (RuntimeException e) {
            LOG.debug("cannot read the stored state of integration {}: {}", key, e.getMessage());
            return null;
        }
    }
}
