package dev.onboarding.processor.ledger;

import dev.onboarding.contract.Integration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The pending-expiry store: pending integrations by when they expire. Its keys are the zero-padded expiry
 * millis, then the external ID, so they sort by time; the value is the external ID. An entry stays until it is
 * due, also when its integration left PENDING before: dropping it then spares a write on every state change.
 */
final class PendingExpiry {
    private final KeyValueStore<String, String> store;

    PendingExpiry(KeyValueStore<String, String> store) {
        this.store = store;
    }

    /** Indexes a newly requested integration. */
    void add(Integration integration) {
        store.put(key(integration), integration.getExternalId());
    }

    /** Takes the entries due at {@code nowMillis} out of the index: the external IDs of their integrations. */
    List<String> takeDue(long nowMillis) {
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> kv = it.next();
                if (expiresAtMillis(kv.key) > nowMillis) {
                    break;
                }
                due.add(kv);
            }
        }
        List<String> externalIds = new ArrayList<>(due.size());
        for (KeyValue<String, String> entry : due) {
            store.delete(entry.key);
            externalIds.add(entry.value);
        }
        return externalIds;
    }

    static String key(Integration integration) {
        String millis = Long.toString(Math.max(0, integration.getExpiresAt().toEpochMilli()));
        return "0".repeat(Math.max(0, 15 - millis.length())) + millis + "|" + integration.getExternalId();
    }

    private static long expiresAtMillis(String key) {
        return Long.parseLong(key.substring(0, key.indexOf('|')));
    }
}
