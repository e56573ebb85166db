package dev.dmap.schemas.kafka;

import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The one reader of the compacted batches topic's records: the key is the batch id, the value its
 * latest state, a null value (a tombstone) removes the batch. Used by the gateway, the client
 * library and the worker.
 */
public final class BatchStateRecords {
    private BatchStateRecords() {
    }

    /** What to do when a state cannot be decoded: the record and why. */
    @FunctionalInterface
    public interface Unreadable {
        Unreadable SKIP = (record, error) -> {
        };

        void skipped(ConsumerRecord<byte[], byte[]> record, RuntimeException error);
    }

    /**
     * Applies one record to {@code latest} (batch id to state): a state replaces the batch's, a
     * tombstone removes it, a record without a key is ignored, an unreadable state is handed to
     * {@code unreadable} and leaves {@code latest} as it was.
     *
     * @return the state the record carries, or null (a tombstone, no key, unreadable)
     */
    public static BatchState apply(ConsumerRecord<byte[], byte[]> record, Map<String, BatchState> latest, Unreadable unreadable) {
        if (record.key() == null) {
            return null;
        }
        String batchId = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            latest.remove(batchId);
            return null;
        }
        BatchState state = state(record, unreadable);
        if (state != null) {
            latest.put(batchId, state);
        }
        return state;
    }

    /** The state a record carries: null for a tombstone, or when it is unreadable (then handed to {@code unreadable}). */
    public static BatchState state(ConsumerRecord<byte[], byte[]> record, Unreadable unreadable) {
        if (record.value() == null) {
            return null;
        }
        try {
            return MessageCodec.decode(record.value(), BatchState.class);
        } catch (RuntimeException e) {
            unreadable.skipped(record, e);
            return null;
        }
    }
}
