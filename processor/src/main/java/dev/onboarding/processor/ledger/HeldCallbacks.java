package dev.onboarding.processor.ledger;

import dev.onboarding.contract.CfnCallback;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Callbacks that overtook their request (their external ID is not known yet), in the held-callbacks store keyed
 * {@code <external ID>|<RequestId>} and stamped with when they started waiting. They wait until their request
 * arrives or their grace is over, whichever comes first.
 *
 * <p>Anyone can send callbacks with unknown external IDs, so the wait is bounded per partition, in number and in
 * bytes (their Avro encoding): past either bound the oldest leave at once, for their owner to decide (FAILED,
 * unknown external ID), never dropped. The held-callbacks-by-time index finds the overdue and the oldest without
 * reading the others; the counts are taken from the store when the task starts (it holds at most the bound).
 */
final class HeldCallbacks {
    private static final StringSerializer KEYS = new StringSerializer();
    private static final String KIND = "h";

    private final TimestampedKeyValueStore<String, CfnCallback> store;
    private final TimeIndex byTime;
    private final int maxCount;
    private final long maxBytes;
    private final List<TimeIndex.Entry> unindexed = new ArrayList<>();
    private long count;
    private long bytes;

    /**
     * The held callbacks of one task.
     *
     * @param store the held-callbacks store
     * @param byTime its index by time
     * @param maxCount callbacks held at most
     * @param maxBytes bytes held at most
     */
    HeldCallbacks(TimestampedKeyValueStore<String, CfnCallback> store, KeyValueStore<String, String> byTime,
            int maxCount, long maxBytes) {
        this.store = store;
        this.byTime = new TimeIndex(byTime);
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
        countAndIndex();
    }

    /**
     * Holds a callback from {@code nowMillis} on. Past a bound, {@link #takeOverBound()} says which ones must be
     * decided at once.
     */
    void hold(CfnCallback callback, long nowMillis) {
        indexWhatAnEarlierVersionHeld();
        String key = key(callback);
        long size = sizeOf(callback);
        store.put(key, ValueAndTimestamp.make(callback, nowMillis));
        byTime.add(KIND, nowMillis, key, Long.toString(size));
        count++;
        bytes += size;
    }

    /** Whether this callback (its RequestId) is held already. */
    boolean isHeld(CfnCallback callback) {
        return store.get(key(callback)) != null;
    }

    /** Takes the oldest callbacks out of the store until both bounds hold again: they cannot wait any longer. */
    List<CfnCallback> takeOverBound() {
        indexWhatAnEarlierVersionHeld();
        List<CfnCallback> taken = new ArrayList<>();
        while (count > maxCount || bytes > maxBytes) {
            Optional<TimeIndex.Entry> oldest = byTime.takeOldest(KIND);
            if (oldest.isEmpty()) {
                // Only if the counts drifted from the store: start again from what it holds.
                count = 0;
                bytes = 0;
                break;
            }
            take(oldest.get()).ifPresent(taken::add);
        }
        return taken;
    }

    /** Takes the callbacks held for an external ID out of the store, oldest first: their request is here. */
    List<CfnCallback> takeFor(String externalId) {
        List<KeyValue<String, ValueAndTimestamp<CfnCallback>>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<CfnCallback>> it = store.prefixScan(externalId + "|", KEYS)) {
            it.forEachRemaining(waiting::add);
        }
        waiting.sort(Comparator.comparingLong(kv -> kv.value.timestamp()));
        List<CfnCallback> taken = new ArrayList<>(waiting.size());
        for (KeyValue<String, ValueAndTimestamp<CfnCallback>> entry : waiting) {
            store.delete(entry.key);
            byTime.remove(KIND, entry.value.timestamp(), entry.key);
            forget(sizeOf(entry.value.value()));
            taken.add(entry.value.value());
        }
        return taken;
    }

    /**
     * Takes the callbacks held since {@code graceEndMillis} or earlier out of the store, oldest first: their grace
     * is over. Reads only those.
     */
    List<CfnCallback> takeOverdue(long graceEndMillis) {
        indexWhatAnEarlierVersionHeld();
        List<CfnCallback> taken = new ArrayList<>();
        for (TimeIndex.Entry overdue : byTime.takeDue(KIND, graceEndMillis)) {
            take(overdue).ifPresent(taken::add);
        }
        return taken;
    }

    /** How many callbacks wait in their grace now. */
    long stillWaiting() {
        return count;
    }

    /** How many bytes of callbacks wait in their grace now. */
    long bytesWaiting() {
        return bytes;
    }

    private Optional<CfnCallback> take(TimeIndex.Entry entry) {
        ValueAndTimestamp<CfnCallback> held = store.get(entry.id());
        if (held == null) {
            return Optional.empty();
        }
        store.delete(entry.id());
        forget(Long.parseLong(entry.value()));
        return Optional.of(held.value());
    }

    private void forget(long size) {
        count = Math.max(0, count - 1);
        bytes = Math.max(0, bytes - size);
    }

    /**
     * Counts what the store holds when the task starts, and notes what an earlier version held without an index (a
     * store may only be written while a record or punctuation is processed, not in {@code init}). The store holds at
     * most the bound; the first start after an upgrade from a version without the bound is the one exception.
     */
    private void countAndIndex() {
        try (KeyValueIterator<String, ValueAndTimestamp<CfnCallback>> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, ValueAndTimestamp<CfnCallback>> kv = it.next();
                long size = sizeOf(kv.value.value());
                if (!byTime.contains(KIND, kv.value.timestamp(), kv.key)) {
                    unindexed.add(new TimeIndex.Entry(kv.value.timestamp(), kv.key, Long.toString(size)));
                }
                count++;
                bytes += size;
            }
        }
    }

    private void indexWhatAnEarlierVersionHeld() {
        if (!unindexed.isEmpty()) {
            unindexed.forEach(e -> byTime.add(KIND, e.millis(), e.id(), e.value()));
            unindexed.clear();
        }
    }

    /** What a held callback weighs: its Avro encoding (the store adds a few bytes of framing and the timestamp). */
    static long sizeOf(CfnCallback callback) {
        try {
            return callback.toByteBuffer().remaining();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String key(CfnCallback callback) {
        return callback.getExternalId() + "|" + callback.getRequestId();
    }
}
