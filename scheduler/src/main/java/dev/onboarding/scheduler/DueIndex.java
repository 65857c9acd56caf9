package dev.onboarding.scheduler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * When each (integration, interval class) is next due, in a key-value store ordered by time, so finding what is
 * due costs a seek plus one step per due entry however many integrations are idle.
 *
 * <p>Two entries per (integration, interval class), never one per job (the slots inside a class are computed by
 * {@link JobSlots}):
 * <ul>
 * <li>time key {@code 0x00 | due millis (8 bytes, big-endian) | interval millis (8) | integration id (UTF-8)},
 * value the connection epoch: a range scan up to {@code now} returns exactly the due entries, oldest first;</li>
 * <li>pointer key {@code 0x01 | interval millis (8) | integration id}, value the due millis: finds an
 * integration's time keys when it disconnects, without scanning.</li>
 * </ul>
 * One more key, {@code 0x02 plan}, remembers the fingerprint of the plan the index was built for.
 */
public final class DueIndex {
    private static final byte TIME = 0x00;
    private static final byte POINTER = 0x01;
    private static final byte META = 0x02;
    private static final Bytes PLAN_KEY = Bytes.wrap(new byte[] {META, 'p', 'l', 'a', 'n'});
    private static final Bytes TIME_START = Bytes.wrap(new byte[] {TIME});
    private static final int TIME_HEADER = 1 + Long.BYTES + Long.BYTES;

    private final KeyValueStore<Bytes, byte[]> store;

    /** An index over {@code store} (its own store: nothing else may write to it). */
    public DueIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /**
     * One due-index entry.
     *
     * @param due when the entry is due, epoch millis
     * @param intervalMillis the interval class
     * @param integrationId the integration
     * @param epoch the connection epoch the entry was scheduled under
     */
    public record Entry(long due, long intervalMillis, String integrationId, long epoch) {
    }

    /** Schedules (or moves) the entry of (integration, interval class) to {@code due}. */
    public void schedule(String integrationId, long intervalMillis, long due, long epoch) {
        Bytes pointer = pointerKey(intervalMillis, integrationId);
        byte[] previous = store.get(pointer);
        if (previous != null) {
            long previousDue = ByteBuffer.wrap(previous).getLong();
            if (previousDue != due) {
                store.delete(timeKey(previousDue, intervalMillis, integrationId));
            }
        }
        store.put(timeKey(due, intervalMillis, integrationId), longBytes(epoch));
        store.put(pointer, longBytes(due));
    }

    /** Moves a popped entry to its next due time. */
    public void reschedule(Entry entry, long nextDue) {
        store.delete(timeKey(entry.due(), entry.intervalMillis(), entry.integrationId()));
        store.put(timeKey(nextDue, entry.intervalMillis(), entry.integrationId()), longBytes(entry.epoch()));
        store.put(pointerKey(entry.intervalMillis(), entry.integrationId()), longBytes(nextDue));
    }

    /** Removes one entry (and its pointer, when the pointer still points at it). */
    public void remove(Entry entry) {
        store.delete(timeKey(entry.due(), entry.intervalMillis(), entry.integrationId()));
        Bytes pointer = pointerKey(entry.intervalMillis(), entry.integrationId());
        byte[] current = store.get(pointer);
        if (current != null && ByteBuffer.wrap(current).getLong() == entry.due()) {
            store.delete(pointer);
        }
    }

    /** Removes every entry of {@code integrationId} in the given interval classes. */
    public void removeAll(String integrationId, Collection<Long> intervalsMillis) {
        for (long interval : intervalsMillis) {
            Bytes pointer = pointerKey(interval, integrationId);
            byte[] due = store.get(pointer);
            if (due != null) {
                store.delete(timeKey(ByteBuffer.wrap(due).getLong(), interval, integrationId));
                store.delete(pointer);
            }
        }
    }

    /** When (integration, interval class) is next due, if scheduled. */
    public OptionalLong dueOf(String integrationId, long intervalMillis) {
        byte[] due = store.get(pointerKey(intervalMillis, integrationId));
        return due == null ? OptionalLong.empty() : OptionalLong.of(ByteBuffer.wrap(due).getLong());
    }

    /** Up to {@code limit} entries due at or before {@code nowMillis}, oldest first. */
    public List<Entry> due(long nowMillis, int limit) {
        List<Entry> out = new ArrayList<>(Math.min(limit, 256));
        try (KeyValueIterator<Bytes, byte[]> it = store.range(TIME_START, timeUpperBound(nowMillis))) {
            while (it.hasNext() && out.size() < limit) {
                KeyValue<Bytes, byte[]> next = it.next();
                out.add(decode(next.key.get(), next.value));
            }
        }
        return out;
    }

    /** Every entry of the index, in due order (diagnostics and tests; walks the whole index). */
    public List<Entry> all() {
        return due(Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** The fingerprint of the plan this index was built for, if recorded. */
    public OptionalLong planFingerprint() {
        byte[] value = store.get(PLAN_KEY);
        return value == null ? OptionalLong.empty() : OptionalLong.of(ByteBuffer.wrap(value).getLong());
    }

    /** Records the fingerprint of the plan this index now follows. */
    public void recordPlanFingerprint(long fingerprint) {
        store.put(PLAN_KEY, longBytes(fingerprint));
    }

    /** The time key of one entry: exposed for tests of the byte layout. */
    static Bytes timeKey(long due, long intervalMillis, String integrationId) {
        if (due < 0) {
            throw new IllegalArgumentException("due time before the epoch: " + due);
        }
        byte[] id = integrationId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(TIME_HEADER + id.length).put(TIME).putLong(due).putLong(intervalMillis)
                .put(id).array());
    }

    private static Bytes pointerKey(long intervalMillis, String integrationId) {
        byte[] id = integrationId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES + id.length).put(POINTER).putLong(intervalMillis).put(id)
                .array());
    }

    // Inclusive upper bound: every time key due at or before now sorts below it (intervals are positive longs,
    // so their first byte is below 0xff), every later one above.
    private static Bytes timeUpperBound(long nowMillis) {
        return Bytes.wrap(ByteBuffer.allocate(TIME_HEADER).put(TIME).putLong(nowMillis).putLong(-1L).array());
    }

    private static Entry decode(byte[] key, byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(key);
        buffer.get();
        long due = buffer.getLong();
        long interval = buffer.getLong();
        String id = new String(key, TIME_HEADER, key.length - TIME_HEADER, StandardCharsets.UTF_8);
        return new Entry(due, interval, id, ByteBuffer.wrap(value).getLong());
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }
}
