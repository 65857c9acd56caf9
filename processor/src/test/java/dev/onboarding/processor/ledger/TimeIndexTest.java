package dev.onboarding.processor.ledger;

import static dev.onboarding.processor.TopologyNames.DECIDED_REQUESTS_BY_TIME_STORE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.onboarding.processor.MockTask;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The index by time that the expiry and clean-up work reads: what expires is found without reading what does not,
 * so a sweep costs what it removes, not what the store holds.
 */
class TimeIndexTest {
    private final MockTask task = new MockTask(DECIDED_REQUESTS_BY_TIME_STORE);
    private final AtomicLong entriesRead = new AtomicLong();
    private final TimeIndex index = new TimeIndex(counting(task.store(DECIDED_REQUESTS_BY_TIME_STORE)));

    @AfterEach
    void close() {
        task.close();
    }

    @Test
    void takingWhatIsDueReadsOnlyWhatIsDueWhateverTheIndexHolds() {
        for (int n = 0; n < 20_000; n++) {
            index.add("d", 1_000_000 + n, "later-" + n, "");
        }
        for (int n = 0; n < 10; n++) {
            index.add("d", 500 + n, "due-" + n, "");
            index.add("r", 400 + n, "other-kind-" + n, "");
        }
        entriesRead.set(0);

        assertThat(index.takeDue("d", 999_999)).extracting(TimeIndex.Entry::id)
                .containsExactly("due-0", "due-1", "due-2", "due-3", "due-4", "due-5", "due-6", "due-7", "due-8",
                        "due-9");
        assertThat(entriesRead.get()).isEqualTo(10);

        entriesRead.set(0);
        assertThat(index.takeDue("d", 999_999)).isEmpty();
        assertThat(index.takeDue("d", 1_000_004)).hasSize(5);
        assertThat(entriesRead.get()).isEqualTo(5);
        assertThat(index.takeOldest("d")).get().extracting(TimeIndex.Entry::id).isEqualTo("later-5");
        assertThat(index.takeDue("r", Long.MAX_VALUE / 4)).hasSize(10);
    }

    @Test
    void anEntryAddedBeforeWhereTheLastSweepStoppedIsStillFound() {
        index.add("h", 2_000, "b", "7");
        assertThat(index.takeDue("h", 2_000)).extracting(TimeIndex.Entry::value).containsExactly("7");
        // The wall clock stepped back.
        index.add("h", 1_000, "a", "3");

        assertThat(index.takeDue("h", 1_500)).extracting(TimeIndex.Entry::id).containsExactly("a");
        assertThat(index.contains("h", 1_000, "a")).isFalse();
    }

    /** The store, counting every entry its iterators hand out. */
    @SuppressWarnings("unchecked")
    private KeyValueStore<String, String> counting(KeyValueStore<String, String> store) {
        InvocationHandler onStore = (proxy, method, args) -> {
            Object result = invoke(store, method, args);
            if (result instanceof KeyValueIterator<?, ?> it) {
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {KeyValueIterator.class},
                        (p, m, a) -> {
                            if (m.getName().equals("next")) {
                                entriesRead.incrementAndGet();
                            }
                            return invoke(it, m, a);
                        });
            }
            return result;
        };
        return (KeyValueStore<String, String>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {KeyValueStore.class}, onStore);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
