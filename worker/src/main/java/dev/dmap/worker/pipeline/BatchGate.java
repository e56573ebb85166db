package dev.dmap.worker.pipeline;

/** What the worker knows of batches, to stop serving a cancelled one and to skip duplicates of an ended one. */
public interface BatchGate {
    /** Whether the batch was cancelled: its remaining requests end as {@code batch_cancelled}. */
    default boolean cancelled(String batchId) {
        return false;
    }

    /** Whether the caller of an online call has gone: the request ends as {@code request_cancelled}, or stops streaming. */
    default boolean requestCancelled(String requestId) {
        return false;
    }

    /** Whether the batch has ended: a first-attempt request of it arriving now is a duplicate. */
    default boolean ended(String batchId) {
        return false;
    }
}
