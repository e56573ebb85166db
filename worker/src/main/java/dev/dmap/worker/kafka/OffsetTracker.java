package dev.dmap.worker.kafka;

import java.util.TreeSet;

/**
 * The offsets of one partition that are fetched but have no acknowledged terminal record yet.
 * Completions may arrive in any order; the committable offset is the lowest unfinished one (or
 * one past the highest seen when none is unfinished), so a commit never skips unfinished work.
 * Its size is bounded by the records buffered and in flight for the partition, which the poll
 * loop bounds by pausing the partition. Not thread-safe: owned by the poll thread.
 */
final class OffsetTracker {
    private final TreeSet<Long> unfinished = new TreeSet<>();
    private long next = -1;
    private long committed = -1;

    /** Records that {@code offset} was fetched. */
    void fetched(long offset) {
        unfinished.add(offset);
        next = Math.max(next, offset + 1);
    }

    /** Records that {@code offset} has its terminal record. */
    void finished(long offset) {
        unfinished.remove(offset);
    }

    /** The offset to commit: everything below it is finished; -1 when nothing was fetched. */
    long committable() {
        return unfinished.isEmpty() ? next : unfinished.first();
    }

    /** Whether {@link #committable()} moved since the last {@link #committedUpTo(long)}. */
    boolean hasNewCommit() {
        long offset = committable();
        return offset >= 0 && offset > committed;
    }

    void committedUpTo(long offset) {
        committed = Math.max(committed, offset);
    }

    int unfinishedCount() {
        return unfinished.size();
    }
}
