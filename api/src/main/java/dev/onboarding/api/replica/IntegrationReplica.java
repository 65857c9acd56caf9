package dev.onboarding.api.replica;

import dev.onboarding.config.KafkaSettings;
import dev.onboarding.contract.Integration;
import dev.onboarding.contract.IntegrationStatus;
import dev.onboarding.schemas.serde.SchemaRegistryException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A copy of the whole {@code onboarding.integrations} topic in RocksDB, so every API instance answers for every
 * integration and millions of them cost disk, not heap. One thread reads every partition ({@code read_committed},
 * no consumer group, no application id: instances never share or split work) and applies each batch in one
 * atomic write together with the offsets it reached, so a restart resumes exactly where the copy stands and a
 * crash can never leave the offsets ahead of the data. Beside each state it keeps a tenant index (newest first,
 * once among all statuses and once per status) for listing.
 *
 * <p>The copy belongs to one topic of one cluster: when the topic's id differs from the one the state dir was
 * built from (the topic was recreated, or the dir points at another cluster), the copy is dropped and rebuilt.
 * Until the first catch-up to the end offsets seen at start ({@link #isCaughtUp}) answers may be stale.
 *
 * <p>Listeners hear every applied change after it is readable, on the replica's thread: they must not block.
 */
public final class IntegrationReplica implements AutoCloseable {
    /** Hears every change applied to the copy. */
    @FunctionalInterface
    public interface Listener {
        /**
         * One integration changed.
         *
         * @param integrationId the integration
         * @param state its new state, or null when the topic deleted it (a tombstone)
         */
        void changed(String integrationId, Integration state);
    }

    /**
     * One page of a tenant's integrations.
     *
     * @param integrations newest request first
     * @param nextCursor where the next page starts, empty on the last page
     */
    public record Page(List<Integration> integrations, Optional<String> nextCursor) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(IntegrationReplica.class);
    private static final byte[] INTEGRATIONS_CF = "integrations".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TENANT_INDEX_CF = "tenant-index".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INDEX_ENTRIES_CF = "index-entries".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TOPIC_ID_KEY = "topic-id".getBytes(StandardCharsets.UTF_8);
    private static final String OFFSET_KEY_PREFIX = "offset:";
    private static final byte[] EMPTY = new byte[0];
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration ASSIGNMENT_REFRESH = Duration.ofSeconds(30);
    private static final Duration RETRY_MAX = Duration.ofSeconds(30);
    private static final long BLOCK_CACHE_BYTES = 32L * 1024 * 1024;

    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final String topic;
    private final KafkaSettings kafka;
    private final Deserializer<Integration> values;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Counter applied;
    private final Counter unreadable;
    private final List<AutoCloseable> rocksResources = new ArrayList<>();
    /** Readers hold it shared; closing (or rebuilding) the database holds it alone: a closed handle is never used. */
    private final ReadWriteLock open = new ReentrantReadWriteLock();
    private volatile RocksDB db;
    private ColumnFamilyHandle meta;
    private ColumnFamilyHandle integrations;
    private ColumnFamilyHandle tenantIndex;
    /** Integration id -> where it stands in the tenant index, so a change finds its old keys without decoding. */
    private ColumnFamilyHandle indexEntries;
    private volatile boolean caughtUp;
    private volatile boolean closing;
    private volatile Throwable failure;
    private volatile Duration restoreTime;
    private volatile long restoredRecords;
    private Thread thread;
    private KafkaConsumer<String, byte[]> consumer;

    /**
     * A copy kept under {@code stateDir}; nothing runs before {@link #start}.
     *
     * @param stateDir this instance's own directory (RocksDB locks it: two processes cannot share one)
     * @param topic the integrations topic
     * @param kafka the cluster
     * @param values the topic's value deserializer
     * @param metrics where the copy's meters go
     */
    public IntegrationReplica(Path stateDir, String topic, KafkaSettings kafka, Deserializer<Integration> values,
            MeterRegistry metrics) {
        this.dir = stateDir.resolve("integrations-replica");
        this.topic = topic;
        this.kafka = kafka;
        this.values = values;
        this.applied = Counter.builder("api_replica_records_applied").description(
                "Records of the integrations topic applied to this instance's copy").register(metrics);
        this.unreadable = Counter.builder("api_replica_records_unreadable").description(
                "Records of the integrations topic skipped because they cannot be read").register(metrics);
        Gauge.builder("api_replica_caught_up", () -> caughtUp ? 1 : 0).description(
                "1 once the copy has caught up with the topic's end at start").register(metrics);
        Gauge.builder("api_replica_restore_seconds", () -> restoreTime == null ? Double.NaN
                : restoreTime.toNanos() / 1e9).description("How long the catch-up at start took").register(metrics);
        Gauge.builder("api_replica_integrations", this::estimatedIntegrations).description(
                "Integrations in the copy (RocksDB's estimate)").register(metrics);
    }

    /** Opens the copy and starts following the topic in the background. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the replica was already started");
        }
        open();
        long startedAt = System.nanoTime();
        thread = new Thread(() -> follow(startedAt), "api-integrations-replica");
        thread.setDaemon(true);
        thread.start();
    }

    /** Adds a listener of every change from now on. */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Whether the copy has caught up with the end of the topic as it was at start. */
    public boolean isCaughtUp() {
        return caughtUp && failure == null;
    }

    /** False once the copy stopped following the topic for good. */
    public boolean isAlive() {
        return failure == null;
    }

    /** How long the catch-up at start took, once it is done. */
    public Optional<Duration> restoreTime() {
        return Optional.ofNullable(restoreTime);
    }

    /** How many records the catch-up at start applied, once it is done. */
    public long restoredRecords() {
        return restoredRecords;
    }

    /** The current state of an integration, if the copy has it. */
    public Optional<Integration> get(String integrationId) {
        byte[] bytes = whileOpen(current -> current.get(integrations, key(integrationId)));
        return Optional.ofNullable(bytes).map(this::decodeStored);
    }

    /**
     * One page of a tenant's integrations, newest request first.
     *
     * @param tenantId the tenant
     * @param status only integrations in this status, or all
     * @param limit the most to return (at least 1)
     * @param cursor where a previous page ended
     * @throws IllegalArgumentException when the cursor is not one this copy returned
     */
    public Page list(String tenantId, Optional<IntegrationStatus> status, int limit, Optional<String> cursor) {
        byte[] prefix = TenantIndexKey.prefix(tenantId, status);
        byte[] start = cursor.map(c -> TenantIndexKey.keyOfCursor(prefix, c)).orElse(prefix);
        List<byte[]> found = new ArrayList<>();
        Optional<String> next = whileOpen(current -> {
            Snapshot snapshot = current.getSnapshot();
            try {
                return readPage(current, snapshot, prefix, start, cursor.isPresent(), limit, found);
            } finally {
                current.releaseSnapshot(snapshot);
            }
        });
        List<Integration> out = new ArrayList<>(found.size());
        for (byte[] bytes : found) {
            if (bytes != null) {
                out.add(decodeStored(bytes));
            }
        }
        return new Page(out, next);
    }

    /** Reads the index from {@code start} and the states it names into {@code found}; returns the next cursor. */
    private Optional<String> readPage(RocksDB current, Snapshot snapshot, byte[] prefix, byte[] start,
            boolean afterStart, int limit, List<byte[]> found) throws RocksDBException {
        try (ReadOptions read = new ReadOptions().setSnapshot(snapshot);
                RocksIterator it = current.newIterator(tenantIndex, read)) {
            List<byte[]> keys = new ArrayList<>();
            it.seek(start);
            if (afterStart && it.isValid() && Arrays.equals(it.key(), start)) {
                it.next();
            }
            while (it.isValid() && keys.size() <= limit && startsWith(it.key(), prefix)) {
                keys.add(it.key());
                it.next();
            }
            List<byte[]> page = keys.subList(0, Math.min(limit, keys.size()));
            List<byte[]> ids = page.stream().map(k -> key(TenantIndexKey.integrationId(k, prefix.length))).toList();
            if (!ids.isEmpty()) {
                found.addAll(current.multiGetAsList(read, ids.stream().map(k -> integrations).toList(), ids));
            }
            return keys.size() > limit
                    ? Optional.of(TenantIndexKey.cursorAfter(page.get(page.size() - 1), prefix.length))
                    : Optional.empty();
        }
    }

    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closing = true;
            running = thread;
            if (consumer != null) {
                consumer.wakeup();
            }
        }
        if (running != null) {
            try {
                running.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeDb();
    }

    // ---- following the topic (the replica's own thread) ----

    private void follow(long startedAt) {
        try {
            checkTopicIdentity();
            Map<String, Object> props = kafka.clientProperties();
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "onboarding-api-replica");
            props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
            synchronized (this) {
                if (closing) {
                    return;
                }
                consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            }
            Set<TopicPartition> assigned = new HashSet<>();
            long nextAssignmentCheck = 0;
            Map<TopicPartition, Long> catchUpTargets = null;
            long appliedAtStart = 0;
            while (!closing) {
                if (System.nanoTime() - nextAssignmentCheck >= 0) {
                    assign(assigned);
                    nextAssignmentCheck = System.nanoTime() + ASSIGNMENT_REFRESH.toNanos();
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(POLL.toMillis());
                    nextAssignmentCheck = 0;
                    continue;
                }
                if (catchUpTargets == null) {
                    catchUpTargets = consumer.endOffsets(assigned);
                }
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    apply(records);
                    appliedAtStart += records.count();
                }
                if (!caughtUp && reached(catchUpTargets)) {
                    restoreTime = Duration.ofNanos(System.nanoTime() - startedAt);
                    restoredRecords = appliedAtStart;
                    caughtUp = true;
                    LOG.info("integrations copy caught up with {}: {} records applied in {} ms ({} integrations)",
                            topic, appliedAtStart, restoreTime.toMillis(), estimatedIntegrations());
                }
            }
        } catch (WakeupException | InterruptedException e) {
            if (!closing) {
                failure = e;
                LOG.error("the integrations copy stopped unexpectedly", e);
            }
        } catch (Throwable e) {
            failure = e;
            LOG.error("the integrations copy stopped following {}: {}", topic, e.toString(), e);
        } finally {
            synchronized (this) {
                if (consumer != null) {
                    consumer.close(Duration.ofSeconds(5));
                    consumer = null;
                }
            }
        }
    }

    /** Assigns every partition of the topic; new ones resume from the stored offset or start at the beginning. */
    private void assign(Set<TopicPartition> assigned) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            return;
        }
        Set<TopicPartition> all = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                .collect(Collectors.toSet());
        if (all.equals(assigned)) {
            return;
        }
        Set<TopicPartition> added = new HashSet<>(all);
        added.removeAll(assigned);
        consumer.assign(all);
        for (TopicPartition partition : added) {
            byte[] stored = whileOpen(current -> current.get(meta, offsetKey(partition.partition())));
            if (stored == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, ByteBuffer.wrap(stored).getLong());
            }
        }
        assigned.clear();
        assigned.addAll(all);
        LOG.info("integrations copy follows {} partitions of {}", all.size(), topic);
    }

    private boolean reached(Map<TopicPartition, Long> targets) {
        for (Map.Entry<TopicPartition, Long> target : targets.entrySet()) {
            if (consumer.position(target.getKey()) < target.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** One poll's records in one atomic write with the offsets they reach; listeners hear them afterwards. */
    private void apply(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        Map<String, Optional<TenantIndexKey.Entry>> latest = new HashMap<>();
        List<Map.Entry<String, Integration>> changes = new ArrayList<>();
        try (WriteBatch batch = new WriteBatch(); WriteOptions write = new WriteOptions()) {
            for (ConsumerRecord<String, byte[]> record : records) {
                batch.put(meta, offsetKey(record.partition()), longBytes(record.offset() + 1));
                String id = record.key();
                Integration state = record.value() == null ? null : decodeRecord(record);
                if (id == null || (record.value() != null && state == null)) {
                    continue;
                }
                Optional<TenantIndexKey.Entry> before = latest.containsKey(id) ? latest.get(id)
                        : Optional.ofNullable(whileOpen(current -> current.get(indexEntries, key(id))))
                                .map(TenantIndexKey.Entry::decode);
                if (before.isPresent()) {
                    for (byte[] old : before.get().keys(id)) {
                        batch.delete(tenantIndex, old);
                    }
                }
                Optional<TenantIndexKey.Entry> after = Optional.ofNullable(state).map(TenantIndexKey.Entry::of);
                if (after.isEmpty()) {
                    batch.delete(integrations, key(id));
                    batch.delete(indexEntries, key(id));
                } else {
                    batch.put(integrations, key(id), record.value());
                    batch.put(indexEntries, key(id), after.get().encode());
                    for (byte[] current : after.get().keys(id)) {
                        batch.put(tenantIndex, current, EMPTY);
                    }
                }
                latest.put(id, after);
                changes.add(new java.util.AbstractMap.SimpleImmutableEntry<>(id, state));
            }
            whileOpen(current -> {
                current.write(write, batch);
                return null;
            });
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot write the integrations copy in " + dir + ": " + e.getMessage(), e);
        }
        applied.increment(records.count());
        for (Map.Entry<String, Integration> change : changes) {
            for (Listener listener : listeners) {
                try {
                    listener.changed(change.getKey(), change.getValue());
                } catch (RuntimeException e) {
                    LOG.warn("a listener of integration changes failed", e);
                }
            }
        }
    }

    /**
     * The record's state; null when it can never be read (it is skipped and counted). A registry that cannot be
     * reached right now is waited for: skipping would lose the state.
     */
    private Integration decodeRecord(ConsumerRecord<String, byte[]> record) throws InterruptedException {
        Duration backoff = Duration.ofSeconds(1);
        while (true) {
            try {
                Integration state = values.deserialize(topic, record.value());
                if (record.key() == null || !record.key().equals(state.getIntegrationId())) {
                    throw new SerializationException("the key is not the integration id");
                }
                return state;
            } catch (SerializationException e) {
                if (isTransient(e) && !closing) {
                    LOG.warn("cannot read {}-{}@{} yet ({}); retrying in {} ms", topic, record.partition(),
                            record.offset(), e.getMessage(), backoff.toMillis());
                    Thread.sleep(backoff.toMillis());
                    backoff = longer(backoff);
                    continue;
                }
                unreadable.increment();
                LOG.warn("skipped unreadable record {}-{}@{}: {}", topic, record.partition(), record.offset(),
                        e.getMessage());
                return null;
            }
        }
    }

    /** Whether the registry failed to answer (network, 5xx) rather than said the schema does not exist. */
    private static boolean isTransient(SerializationException e) {
        return e.getCause() instanceof SchemaRegistryException registry
                && (registry.httpStatus() < 400 || registry.httpStatus() >= 500 || registry.httpStatus() == 429);
    }

    private Integration decodeStored(byte[] bytes) {
        return values.deserialize(topic, bytes);
    }

    // ---- the RocksDB copy ----

    private void open() {
        open.writeLock().lock();
        try {
            openLocked();
        } finally {
            open.writeLock().unlock();
        }
    }

    private void openLocked() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state dir " + dir, e);
        }
        LRUCache cache = new LRUCache(BLOCK_CACHE_BYTES);
        BloomFilter bloom = new BloomFilter(10);
        BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(bloom);
        ColumnFamilyOptions columns = new ColumnFamilyOptions().setTableFormatConfig(table)
                .setWriteBufferSize(8L * 1024 * 1024).setMaxWriteBufferNumber(2)
                .setCompressionType(CompressionType.LZ4_COMPRESSION);
        DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setKeepLogFileNum(2).setMaxOpenFiles(256);
        rocksResources.addAll(List.of(options, columns, bloom, cache));
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, columns),
                new ColumnFamilyDescriptor(INTEGRATIONS_CF, columns),
                new ColumnFamilyDescriptor(TENANT_INDEX_CF, columns),
                new ColumnFamilyDescriptor(INDEX_ENTRIES_CF, columns));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            db = RocksDB.open(options, dir.toString(), descriptors, handles);
        } catch (RocksDBException e) {
            closeDbLocked();
            String why = e.getMessage() != null && e.getMessage().contains("lock")
                    ? "it is in use by another process (give each API instance its own api.state-dir)"
                    : e.getMessage();
            throw new IllegalStateException("cannot open the integrations copy in " + dir + ": " + why, e);
        }
        meta = handles.get(0);
        integrations = handles.get(1);
        tenantIndex = handles.get(2);
        indexEntries = handles.get(3);
    }

    /** Drops the copy when it was built from another topic than the one now named (recreated, other cluster). */
    private void checkTopicIdentity() throws InterruptedException {
        String topicId = topicId();
        byte[] stored = whileOpen(current -> current.get(meta, TOPIC_ID_KEY));
        if (stored != null && !new String(stored, StandardCharsets.UTF_8).equals(topicId)) {
            LOG.warn("{} has another topic id than the one the copy in {} was built from: rebuilding it", topic, dir);
            closeDb();
            deleteDir();
            open();
        }
        whileOpen(current -> {
            current.put(meta, TOPIC_ID_KEY, topicId.getBytes(StandardCharsets.UTF_8));
            return null;
        });
    }

    /** The topic's id; waits (bounded per attempt, retried until closed) until the topic exists. */
    private String topicId() throws InterruptedException {
        Duration backoff = Duration.ofSeconds(1);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            while (!closing) {
                try {
                    return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                            .topicId().toString();
                } catch (ExecutionException | TimeoutException e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    LOG.warn("cannot describe {} ({}); retrying in {} ms", topic,
                            cause instanceof UnknownTopicOrPartitionException ? "it does not exist yet"
                                    : cause.toString(), backoff.toMillis());
                    Thread.sleep(backoff.toMillis());
                    backoff = longer(backoff);
                }
            }
        }
        throw new InterruptedException("closed while waiting for " + topic);
    }

    private void closeDb() {
        open.writeLock().lock();
        try {
            closeDbLocked();
        } finally {
            open.writeLock().unlock();
        }
    }

    private void closeDbLocked() {
        for (ColumnFamilyHandle handle : Arrays.asList(meta, integrations, tenantIndex, indexEntries)) {
            if (handle != null) {
                handle.close();
            }
        }
        meta = null;
        integrations = null;
        tenantIndex = null;
        indexEntries = null;
        if (db != null) {
            db.close();
            db = null;
        }
        for (AutoCloseable resource : rocksResources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.debug("closing a RocksDB resource failed", e);
            }
        }
        rocksResources.clear();
    }

    private void deleteDir() {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the outdated copy in " + dir, e);
        }
    }

    @FunctionalInterface
    private interface RocksRead<T> {
        T read(RocksDB db) throws RocksDBException;
    }

    /** Runs {@code read} while the database cannot be closed under it. */
    private <T> T whileOpen(RocksRead<T> read) {
        open.readLock().lock();
        try {
            RocksDB current = db;
            if (current == null) {
                throw new IllegalStateException("the integrations copy is closed");
            }
            return read.read(current);
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot use the integrations copy in " + dir + ": " + e.getMessage(), e);
        } finally {
            open.readLock().unlock();
        }
    }

    private long estimatedIntegrations() {
        try {
            return whileOpen(current -> current.getLongProperty(integrations, "rocksdb.estimate-num-keys"));
        } catch (IllegalStateException e) {
            return 0;
        }
    }

    /** The next wait of a retry: twice the last, at most {@link #RETRY_MAX}. */
    private static Duration longer(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(RETRY_MAX) > 0 ? RETRY_MAX : doubled;
    }

    private static byte[] key(String integrationId) {
        return integrationId.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] offsetKey(int partition) {
        return (OFFSET_KEY_PREFIX + partition).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
