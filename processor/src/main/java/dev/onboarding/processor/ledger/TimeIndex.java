package dev.onboarding.processor.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * An index by time over entries of other stores, so that what expires is found without reading what does not: keys
 * {@code <kind>|<zero-padded epoch millis>|<id>}, which sort by kind and then by time. Taking what is due reads the
 * due entries and stops at the first one that is not, so its cost follows what expires, never the size of the
 * indexed store. Each kind is an index of its own (one letter, chosen by the owner).
 *
 * <p>Taken entries leave tombstones at the head of their kind until RocksDB compacts them; each kind's next read
 * starts where the last one stopped (kept in memory, from the start again after a restart), so a frequent sweep does
 * not step over them again and again.
 */
final class TimeIndex {
    private static final int MILLIS_DIGITS = 15;

    private final KeyValueStore<String, String> store;
    private final Map<String, String> readFrom = new HashMap<>();

    /**
     * An entry of the index.
     *
     * @param millis its time
     * @param id what it points at, in the owner's store
     * @param value what the owner keeps with it (may be empty)
     */
    record Entry(long millis, String id, String value) {
    }

    TimeIndex(KeyValueStore<String, String> store) {
        this.store = store;
    }

    /** Indexes {@code id} of {@code kind} at {@code millis}, with {@code value}. */
    void add(String kind, long millis, String id, String value) {
        String key = key(kind, millis, id);
        store.put(key, value);
        String from = readFrom.get(kind);
        if (from != null && key.compareTo(from) < 0) {
            readFrom.put(kind, key); // the wall clock stepped back: read from here next time
        }
    }

    /** Whether {@code id} of {@code kind} is indexed at {@code millis}. */
    boolean contains(String kind, long millis, String id) {
        return store.get(key(kind, millis, id)) != null;
    }

    /** Removes the entry of {@code id} of {@code kind} at {@code millis}, if any. */
    void remove(String kind, long millis, String id) {
        store.delete(key(kind, millis, id));
    }

    /** Takes the entries of {@code kind} at or before {@code cutoffMillis} out of the index, oldest first. */
    List<Entry> takeDue(String kind, long cutoffMillis) {
        return take(kind, cutoffMillis, Integer.MAX_VALUE);
    }

    /** As {@link #takeDue(String, long)}, at most {@code limit} of them (the oldest). */
    List<Entry> takeDue(String kind, long cutoffMillis, int limit) {
        return take(kind, cutoffMillis, limit);
    }

    /** Takes the oldest entry of {@code kind} out of the index, if there is one. */
    Optional<Entry> takeOldest(String kind) {
        return take(kind, Long.MAX_VALUE / 2, 1).stream().findFirst();
    }

    private List<Entry> take(String kind, long cutoffMillis, int limit) {
        String prefix = kind + "|";
        String from = readFrom.getOrDefault(kind, prefix);
        // Keys at cutoff+1 and later sort after this bound: every one of them has "|<id>" after its millis.
        String to = prefix + pad(cutoffMillis + 1);
        List<KeyValue<String, String>> due = new ArrayList<>();
        if (from.compareTo(to) <= 0) {
            try (KeyValueIterator<String, String> it = store.range(from, to)) {
                while (it.hasNext() && due.size() < limit) {
                    due.add(it.next());
                }
            }
        }
        List<Entry> taken = new ArrayList<>(due.size());
        for (KeyValue<String, String> kv : due) {
            store.delete(kv.key);
            taken.add(entryOf(kv.key, kv.value, prefix.length()));
        }
        if (!due.isEmpty()) {
            readFrom.put(kind, due.get(due.size() - 1).key);
        }
        return taken;
    }

    /** The key of {@code id} of {@code kind} at {@code millis}. */
    static String key(String kind, long millis, String id) {
        return kind + "|" + pad(millis) + "|" + id;
    }

    /** Epoch millis, zero-padded so that keys sort by time (negative times count as 0). */
    static String pad(long millis) {
        String digits = Long.toString(Math.max(0, millis));
        return "0".repeat(Math.max(0, MILLIS_DIGITS - digits.length())) + digits;
    }

    private static Entry entryOf(String key, String value, int prefixLength) {
        int bar = key.indexOf('|', prefixLength);
        return new Entry(Long.parseLong(key.substring(prefixLength, bar)), key.substring(bar + 1), value);
    }
}
