package dev.dmap.worker.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A worker's local copy of the response cache, on disk (RocksDB, off the heap): each entry by
 * key, an index by age for the sweep, and how far the cache topic has been read per partition,
 * written together so that a restart goes on from where the copy stopped. Thread-safe: one
 * writer (the {@link CacheFollower}), any number of readers.
 */
final class ResponseStore implements AutoCloseable {
    private static final byte ENTRY = 'e';
    private static final byte AGE = 't';
    private static final byte POSITION = 'p';
    private static final byte[] TOTALS = {'c'};
    private static final byte[] TOPIC_ID = {'i'};

    static {
        RocksDB.loadLibrary();
    }

    private final Options options;
    private final RocksDB db;
    private final WriteOptions writes = new WriteOptions();
    private long entries;
    private long bytes;

    private ResponseStore(Options options, RocksDB db) throws RocksDBException {
        this.options = options;
        this.db = db;
        byte[] totals = db.get(TOTALS);
        if (totals != null) {
            ByteBuffer buffer = ByteBuffer.wrap(totals);
            entries = buffer.getLong();
            bytes = buffer.getLong();
        }
    }

    /**
     * Opens (or creates) the copy in {@code dir} of the topic whose id is {@code topicId}; a copy of
     * another topic (the topic was deleted and made again, or the broker is a new one) is emptied
     * first. A copy another process holds is refused with the reason.
     */
    static ResponseStore open(Path dir, String topicId) {
        try {
            Files.createDirectories(dir);
            Options options = new Options().setCreateIfMissing(true);
            RocksDB db = RocksDB.open(options, dir.toString());
            byte[] stored = db.get(TOPIC_ID);
            if (stored != null && !topicId.equals(new String(stored, StandardCharsets.UTF_8))) {
                db.close();
                RocksDB.destroyDB(dir.toString(), options);
                db = RocksDB.open(options, dir.toString());
            }
            db.put(TOPIC_ID, topicId.getBytes(StandardCharsets.UTF_8));
            return new ResponseStore(options, db);
        } catch (RocksDBException | java.io.IOException e) {
            throw new IllegalStateException("cannot open the response cache's local copy in " + dir + " (is another worker"
                    + " with the same id running on this machine?): " + e.getMessage(), e);
        }
    }

    /** The stored value of {@code key} ({@link StoredEntry}), or null. */
    StoredEntry get(String key) {
        try {
            byte[] value = db.get(entryKey(key));
            return value == null ? null : StoredEntry.decode(value);
        } catch (RocksDBException e) {
            throw new IllegalStateException("reading the response cache failed: " + e.getMessage(), e);
        }
    }

    /** Stores {@code json} (created at {@code createdAt}) under {@code key}, or deletes it when json is null; records the position. */
    synchronized void apply(String key, byte[] json, Instant createdAt, int partition, long nextOffset) {
        try (WriteBatch batch = new WriteBatch()) {
            remove(key, batch);
            if (json != null) {
                StoredEntry entry = new StoredEntry(createdAt.toEpochMilli(), json);
                batch.put(entryKey(key), entry.encode());
                batch.put(ageKey(entry.createdAtMillis(), key), new byte[0]);
                entries++;
                bytes += json.length;
            }
            batch.put(positionKey(partition), ByteBuffer.allocate(8).putLong(nextOffset).array());
            batch.put(TOTALS, totals());
            db.write(writes, batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("writing the response cache failed: " + e.getMessage(), e);
        }
    }

    /** Records how far a partition has been read without storing anything (a record for another model). */
    synchronized void skip(int partition, long nextOffset) {
        try {
            db.put(writes, positionKey(partition), ByteBuffer.allocate(8).putLong(nextOffset).array());
        } catch (RocksDBException e) {
            throw new IllegalStateException("writing the response cache failed: " + e.getMessage(), e);
        }
    }

    /** Where each partition's reading goes on: the next offset, by partition. */
    Map<Integer, Long> positions() {
        Map<Integer, Long> positions = new HashMap<>();
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(new byte[] {POSITION}); it.isValid() && it.key()[0] == POSITION; it.next()) {
                positions.put(ByteBuffer.wrap(it.key(), 1, 4).getInt(), ByteBuffer.wrap(it.value()).getLong());
            }
        }
        return positions;
    }

    /**
     * Deletes entries created before {@code oldest}, then the oldest ones while the copy holds more
     * than {@code maxBytes}; returns how many went.
     */
    synchronized int sweep(Instant oldest, long maxBytes) {
        int removed = 0;
        try (RocksIterator it = db.newIterator(); WriteBatch batch = new WriteBatch()) {
            for (it.seek(new byte[] {AGE}); it.isValid() && it.key()[0] == AGE; it.next()) {
                long created = ByteBuffer.wrap(it.key(), 1, 8).getLong();
                if (created >= oldest.toEpochMilli() && bytes <= maxBytes) {
                    break;
                }
                String key = new String(Arrays.copyOfRange(it.key(), 9, it.key().length), StandardCharsets.UTF_8);
                remove(key, batch);
                removed++;
            }
            batch.put(TOTALS, totals());
            db.write(writes, batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("sweeping the response cache failed: " + e.getMessage(), e);
        }
        return removed;
    }

    synchronized long entries() {
        return entries;
    }

    /** The stored answers' size in bytes (before RocksDB's compression). */
    synchronized long bytes() {
        return bytes;
    }

    private void remove(String key, WriteBatch batch) throws RocksDBException {
        byte[] old = db.get(entryKey(key));
        if (old != null) {
            StoredEntry previous = StoredEntry.decode(old);
            batch.delete(entryKey(key));
            batch.delete(ageKey(previous.createdAtMillis(), key));
            entries--;
            bytes -= previous.json().length;
        }
    }

    private byte[] totals() {
        return ByteBuffer.allocate(16).putLong(entries).putLong(bytes).array();
    }

    private static byte[] entryKey(String key) {
        byte[] id = key.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + id.length).put(ENTRY).put(id).array();
    }

    private static byte[] ageKey(long createdAtMillis, String key) {
        byte[] id = key.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(9 + id.length).put(AGE).putLong(createdAtMillis).put(id).array();
    }

    private static byte[] positionKey(int partition) {
        return ByteBuffer.allocate(5).put(POSITION).putInt(partition).array();
    }

    @Override
    public synchronized void close() {
        writes.close();
        db.close();
        options.close();
    }

    /** A stored answer: when it was computed, and the {@link dev.dmap.schemas.CacheEntry} JSON. */
    record StoredEntry(long createdAtMillis, byte[] json) {
        byte[] encode() {
            return ByteBuffer.allocate(8 + json.length).putLong(createdAtMillis).put(json).array();
        }

        static StoredEntry decode(byte[] value) {
            return new StoredEntry(ByteBuffer.wrap(value).getLong(), Arrays.copyOfRange(value, 8, value.length));
        }
    }
}
