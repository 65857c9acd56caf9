package dev.onboarding.processor;

import dev.onboarding.config.Settings;
import dev.onboarding.schemas.serde.InMemorySchemaRegistry;
import dev.onboarding.schemas.topics.TopicCatalog;
import dev.onboarding.schemas.topics.TopicSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.RocksDBStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * One processor of the topology alone in a {@link MockProcessorContext}, as Kafka's own examples test
 * processors: the topology's own stores (without changelogs) in a temporary state dir, the shared topics with an
 * in-process registry, a clock the test moves, and what the processor forwarded to each named child.
 */
public final class MockTask implements AutoCloseable {
    /** Where the clock starts. */
    public static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    /** The processor's settings (application id {@code mock-processor}). */
    public final ProcessorConfig config;
    /** The shared topics. */
    public final TopicCatalog catalog;
    /** The internal serdes. */
    public final ProcessorSerdes serdes;
    /** The context to give the processor. */
    public final MockProcessorContext<String, Object> context;
    private final String scope = "mock-task-" + UUID.randomUUID();
    private final Path stateDir;
    private final List<StateStore> stores = new ArrayList<>();
    private Instant now = START;

    /** A task with the named stores of the topology, opened for the processor to find. */
    public MockTask(String... storeNames) {
        this(Map.of(), storeNames);
    }

    /** A task whose settings are the defaults with {@code settings} (processor.* keys) over them. */
    public MockTask(Map<String, String> settings, String... storeNames) {
        try {
            stateDir = Files.createTempDirectory("processor-mock-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> given = new java.util.HashMap<>(settings);
        given.put("processor.application-id", "mock-processor");
        given.put("processor.state-dir", stateDir.toString());
        config = ProcessorConfig.from(Settings.of(given));
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.scope(scope);
        catalog = TopicCatalog.create(TopicSettings.defaults(), registry, true);
        serdes = ProcessorSerdes.using(registry);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "mock:9092");
        context = new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
        context.setCurrentSystemTimeMs(now.toEpochMilli());
        List<StoreBuilder<?>> all = new ArrayList<>(OnboardingTopology.stores(serdes));
        all.add(OnboardingTopology.integrationsById());
        Set<String> wanted = Set.of(storeNames);
        for (StoreBuilder<?> builder : all) {
            if (wanted.contains(builder.name())) {
                StateStore store = builder.withLoggingDisabled().build();
                store.init(context.getStateStoreContext(), store);
                context.addStateStore(store);
                stores.add(store);
            }
        }
    }

    /** The context, for a processor that forwards other types (or nothing, like the read-back). */
    @SuppressWarnings("unchecked")
    public <K, V> ProcessorContext<K, V> contextOf() {
        return (ProcessorContext<K, V>) (ProcessorContext<?, ?>) context;
    }

    /** A store of the task. */
    public <V> KeyValueStore<String, V> store(String name) {
        return context.getStateStore(name);
    }

    /**
     * What a store holds, as it holds it: the bytes of every key and value in RocksDB (serialized, with the
     * registry's framing and, in a timestamped store, the timestamp), which is also what its changelog carries.
     */
    public long storedBytes(String name) {
        long bytes = 0;
        try (KeyValueIterator<Bytes, byte[]> it = rawStore(name).all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                bytes += kv.key.get().length + (kv.value == null ? 0 : kv.value.length);
            }
        }
        return bytes;
    }

    /** How many keys a store holds. */
    public long storedKeys(String name) {
        long keys = 0;
        try (KeyValueIterator<Bytes, byte[]> it = rawStore(name).all()) {
            for (; it.hasNext(); it.next()) {
                keys++;
            }
        }
        return keys;
    }

    @SuppressWarnings("unchecked")
    private KeyValueStore<Bytes, byte[]> rawStore(String name) {
        StateStore store = context.getStateStore(name);
        while (store instanceof WrappedStateStore<?, ?, ?> wrapped && !(store instanceof RocksDBStore)) {
            store = wrapped.wrapped();
        }
        return (KeyValueStore<Bytes, byte[]>) store;
    }

    /** The records forwarded to the child named {@code child} so far. */
    @SuppressWarnings("unchecked")
    public <V> List<Record<String, V>> forwarded(String child) {
        return context.forwarded(child).stream().map(f -> (Record<String, V>) f.record()).toList();
    }

    /** The wall clock. */
    public Instant now() {
        return now;
    }

    /** A record with a key and value, stamped now. */
    public <V> Record<String, V> record(String key, V value) {
        return new Record<>(key, value, now.toEpochMilli());
    }

    /** Moves the wall clock and runs the wall-clock punctuators scheduled every {@code interval}. */
    public void advance(Duration by, Duration interval) {
        now = now.plus(by);
        context.setCurrentSystemTimeMs(now.toEpochMilli());
        context.scheduledPunctuators().stream().filter(p -> p.getInterval().equals(interval))
                .forEach(p -> p.getPunctuator().punctuate(now.toEpochMilli()));
    }

    @Override
    public void close() {
        stores.forEach(StateStore::close);
        InMemorySchemaRegistry.drop(scope);
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temp dir does not matter.
        }
    }
}
