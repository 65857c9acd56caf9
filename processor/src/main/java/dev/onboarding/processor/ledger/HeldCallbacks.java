package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnCallback;
import dev.onboarding.processor.ProcessorMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Callbacks that overtook their request (their external ID is not known yet), in the held-callbacks store keyed
 * {@code <external ID>|<RequestId>} and stamped with when they started waiting. They wait until their request
 * arrives or their grace is over, whichever comes first.
 */
final class HeldCallbacks {
    private static final StringSerializer KEYS = new StringSerializer();

    private final TimestampedKeyValueStore<String, CfnCallback> store;
    private long stillWaiting;

    HeldCallbacks(TimestampedKeyValueStore<String, CfnCallback> store) {
        this.store = store;
    }

    /** Holds a callback from {@code nowMillis} on. */
    void hold(CfnCallback callback, long nowMillis) {
        store.put(key(callback), ValueAndTimestamp.make(callback, nowMillis));
    }

    /** Whether this callback (its RequestId) is held already. */
    boolean isHeld(CfnCallback callback) {
        return store.get(key(callback)) != null;
    }

    /** Takes the callbacks held for an external ID out of the store, oldest first: their request is here. */
    List<CfnCallback> takeFor(String externalId) {
        List<KeyValue<String, ValueAndTimestamp<CfnCallback>>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<CfnCallback>> it = store.prefixScan(externalId + "|", KEYS)) {
            it.forEachRemaining(waiting::add);
        }
        waiting.sort(Comparator.comparingLong(kv -> kv.value.timestamp()));
        return take(waiting);
    }

    /** Takes the callbacks held since {@code graceEndMillis} or earlier out of the store: their grace is over. */
    List<CfnCallback> takeOverdue(long graceEndMillis) {
        List<KeyValue<String, ValueAndTimestamp<CfnCallback>>> overdue = new ArrayList<>();
        long[] seen = {0};
        try (KeyValueIterator<String, ValueAndTimestamp<CfnCallback>> it = store.all()) {
            it.forEachRemaining(kv -> {
                seen[0]++;
                if (kv.value.timestamp() <= graceEndMillis) {
                    overdue.add(kv);
                }
            });
        }
        stillWaiting = seen[0] - overdue.size();
        return take(overdue);
    }

    /** How many callbacks the last {@link #takeOverdue} left waiting in their grace. */
    long stillWaiting() {
        return stillWaiting;
    }

    private List<CfnCallback> take(List<KeyValue<String, ValueAndTimestamp<CfnCallback>>> entries) {
        List<CfnCallback> taken = new ArrayList<>(entries.size());
        for (KeyValue<String, ValueAndTimestamp<CfnCallback>> entry : entries) {
            store.delete(entry.key);
            taken.add(entry.value.value());
        }
        return taken;
    }

    private static String key(CfnCallback callback) {
        return callback.getExternalId() + "|" + callback.getRequestId();
    }
}
