package dev.onboarding.processor.queries;

import dev.onboarding.contract.Integration;
import dev.onboarding.processor.TopologyNames;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the committed integration states back from the integrations topic into the store queried by id
 * (the topic is that store's changelog), and keeps the tenant index beside it ({@link TenantKeys} key ->
 * integration id), in the same task and partition. An integration never changes tenant, so it is decoded and
 * indexed once, when its id is first seen; a later state change costs one lookup and one write.
 */
public final class IntegrationReadBack implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(IntegrationReadBack.class);

    private final String topic;
    private final Deserializer<Integration> deserializer;
    private TimestampedKeyValueStore<String, byte[]> byId;
    private KeyValueStore<String, String> index;

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
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            // Only another writer deletes from the topic; the store follows it, the index keeps its entry.
            byId.delete(record.key());
            return;
        }
        boolean firstSeen = byId.get(record.key()) == null;
        byId.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
        if (!firstSeen) {
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
        index.put(TenantKeys.key(state.getTenantId(), record.key()), record.key());
    }
}
