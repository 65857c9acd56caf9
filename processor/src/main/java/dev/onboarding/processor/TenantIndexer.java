package dev.onboarding.processor;

import dev.onboarding.contract.Integration;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tenant index of the integrations read back by id ({@link TenantKeys} key -> integration id),
 * in the same task and partition as the integration's state. An integration never changes tenant, so it
 * is decoded and indexed once, when first seen; later state changes cost one lookup.
 */
final class TenantIndexer implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(TenantIndexer.class);

    private final String topic;
    private final Deserializer<Integration> deserializer;
    private KeyValueStore<String, String> tenants;
    private KeyValueStore<String, String> index;

    TenantIndexer(String topic, Deserializer<Integration> deserializer) {
        this.topic = topic;
        this.deserializer = deserializer;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.tenants = context.getStateStore(OnboardingTopology.INTEGRATION_TENANTS_STORE);
        this.index = context.getStateStore(OnboardingTopology.TENANT_INDEX_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null || record.value() == null || tenants.get(record.key()) != null) {
            return;
        }
        Integration state;
        try {
            state = deserializer.deserialize(topic, record.value());
        } catch (RuntimeException e) {
            // Another writer's garbage on the state topic: it cannot be indexed (nor answered), but must not stop us.
            LOG.warn("cannot index integration {}: {}", record.key(), e.getMessage());
            return;
        }
        tenants.put(record.key(), state.getTenantId());
        index.put(TenantKeys.key(state.getTenantId(), record.key()), record.key());
    }
}
