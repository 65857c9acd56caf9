package dev.onboarding.bench.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The live entries of a stopped processor's RocksDB stores, read from its state directory: what each store holds,
 * key and value bytes counted exactly, without what RocksDB keeps of deleted entries until it compacts (the
 * figures Kafka Streams reports, SST files and memtables, include those and grow in whole blocks).
 */
final class StoreCensus {

    /**
     * One store, over all its tasks.
     *
     * @param entries live entries
     * @param bytes   their key and value bytes (a timestamped store's values include their 8-byte timestamp)
     */
    record Store(long entries, long bytes) {
        Store plus(Store other) {
            return new Store(entries + other.entries, bytes + other.bytes);
        }
    }

    private StoreCensus() {
    }

    /** Every store under {@code stateDir} (an instance's {@code processor.state-dir}), by store name. */
    static Map<String, Store> of(Path stateDir) {
        RocksDB.loadLibrary();
        Map<String, Store> stores = new TreeMap<>();
        if (!Files.isDirectory(stateDir)) {
            return stores;
        }
        try (Stream<Path> paths = Files.walk(stateDir, 4)) {
            for (Path store : paths.filter(p -> p.getParent() != null && p.getParent().getFileName() != null
                    && p.getParent().getFileName().toString().equals("rocksdb") && Files.isDirectory(p)).toList()) {
                stores.merge(store.getFileName().toString(), count(store), Store::plus);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + stateDir, e);
        }
        return stores;
    }

    private static Store count(Path store) {
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (Options listing = new Options(); DBOptions options = new DBOptions()) {
            List<ColumnFamilyDescriptor> families = new ArrayList<>();
            for (byte[] name : RocksDB.listColumnFamilies(listing, store.toString())) {
                families.add(new ColumnFamilyDescriptor(name));
            }
            try (RocksDB db = RocksDB.openReadOnly(options, store.toString(), families, handles)) {
                long entries = 0;
                long bytes = 0;
                for (ColumnFamilyHandle family : handles) {
                    try (RocksIterator it = db.newIterator(family)) {
                        for (it.seekToFirst(); it.isValid(); it.next()) {
                            entries++;
                            bytes += it.key().length + it.value().length;
                        }
                    }
                }
                return new Store(entries, bytes);
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read the store at " + store + ": " + e.getMessage(), e);
        }
    }

    /** The sum over {@code stores}. */
    static Store total(Map<String, Store> stores) {
        return stores.values().stream().reduce(new Store(0, 0), Store::plus);
    }
}
