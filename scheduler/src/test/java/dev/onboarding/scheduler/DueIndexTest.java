package dev.onboarding.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.scheduler.DueIndex.Entry;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DueIndexTest {
    private static final long HOUR = 3_600_000;
    private static final long MINUTE = 60_000;
    private DueIndex index;

    @BeforeEach
    void openStore() {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("due-index"),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        index = new DueIndex(store);
    }

    @Test
    void timeKeysSortByDueTimeAcrossByteBoundaries() {
        // Big-endian and unsigned: 255 < 256 < 65_536 even though their low bytes say otherwise.
        assertThat(DueIndex.timeKey(255, HOUR, "b")).isLessThan(DueIndex.timeKey(256, HOUR, "a"));
        assertThat(DueIndex.timeKey(256, HOUR, "z")).isLessThan(DueIndex.timeKey(65_536, MINUTE, "a"));
        assertThat(DueIndex.timeKey(1L << 40, HOUR, "a")).isLessThan(DueIndex.timeKey((1L << 40) + 1, MINUTE, "a"));
    }

    @Test
    void aRangeUpToNowReturnsOnlyDueEntriesOldestFirst() {
        index.schedule("late", HOUR, 5_000, 1);
        index.schedule("early", HOUR, 1_000, 1);
        index.schedule("exact", MINUTE, 3_000, 2);
        index.schedule("future", MINUTE, 3_001, 1);

        assertThat(index.due(3_000, 100)).containsExactly(new Entry(1_000, HOUR, "early", 1),
                new Entry(3_000, MINUTE, "exact", 2));
        assertThat(index.due(3_000, 1)).containsExactly(new Entry(1_000, HOUR, "early", 1));
        assertThat(index.due(999, 100)).isEmpty();
    }

    @Test
    void schedulingAgainMovesTheEntryInsteadOfAddingOne() {
        index.schedule("i-1", HOUR, 1_000, 1);
        index.schedule("i-1", HOUR, 2_000, 1);
        index.schedule("i-1", MINUTE, 1_500, 1);

        assertThat(index.all()).containsExactly(new Entry(1_500, MINUTE, "i-1", 1), new Entry(2_000, HOUR, "i-1", 1));
        assertThat(index.dueOf("i-1", HOUR)).hasValue(2_000);
    }

    @Test
    void rescheduleMovesAPoppedEntryAndItsPointer() {
        index.schedule("i-1", HOUR, 1_000, 7);
        Entry popped = index.due(1_000, 10).get(0);

        index.reschedule(popped, 9_000);

        assertThat(index.all()).containsExactly(new Entry(9_000, HOUR, "i-1", 7));
        assertThat(index.dueOf("i-1", HOUR)).hasValue(9_000);
    }

    @Test
    void removeAllFindsAnIntegrationsEntriesThroughItsPointers() {
        index.schedule("gone", HOUR, 1_000, 1);
        index.schedule("gone", MINUTE, 2_000, 1);
        index.schedule("stays", HOUR, 1_500, 1);

        index.removeAll("gone", List.of(HOUR, MINUTE));

        assertThat(index.all()).containsExactly(new Entry(1_500, HOUR, "stays", 1));
        assertThat(index.dueOf("gone", HOUR)).isEmpty();
        assertThat(index.dueOf("gone", MINUTE)).isEmpty();
    }

    @Test
    void removingAStaleEntryKeepsTheCurrentPointer() {
        index.schedule("i-1", HOUR, 9_000, 2);

        index.remove(new Entry(1_000, HOUR, "i-1", 1));

        assertThat(index.dueOf("i-1", HOUR)).hasValue(9_000);
        assertThat(index.all()).containsExactly(new Entry(9_000, HOUR, "i-1", 2));
    }

    @Test
    void remembersThePlanFingerprintOutsideTheTimeRange() {
        assertThat(index.planFingerprint()).isEmpty();

        index.recordPlanFingerprint(-42);

        assertThat(index.planFingerprint()).hasValue(-42);
        assertThat(index.all()).isEmpty();
    }
}
