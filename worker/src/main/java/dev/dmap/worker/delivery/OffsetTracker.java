package dev.dmap.worker.delivery;

import java.util.Objects;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * One partition's progress in one ownership: the offsets fetched but without a terminal record
 * yet, and the offsets finished above the commit point. Completions arrive in any order; the
 * commit is the lowest unfinished offset (or one past the highest fetched) with the finished
 * offsets above it as {@link FinishedOffsets} metadata, so a commit never skips unfinished work
 * and never makes finished work run again. It starts from the partition's committed offset and
 * metadata, so a record that a previous owner finished is recognised when it is fetched again.
 * Not thread-safe: owned by the poll thread.
 */
public final class OffsetTracker {
    private final TreeSet<Long> unfinished = new TreeSet<>();
    private final TreeSet<Long> finished = new TreeSet<>();
    /** Every offset below it is finished. */
    private long floor;
    /** One past the highest offset fetched (or the start position). */
    private long next;
    private OffsetAndMetadata committed;

    /** A partition with nothing committed: starts wherever the consumer starts. */
    public OffsetTracker() {
        this(null);
    }

    /** Starts from the partition's committed offset and metadata (null when nothing was committed). */
    public OffsetTracker(OffsetAndMetadata committed) {
        this.committed = committed;
        this.floor = committed == null ? -1 : committed.offset();
        this.next = floor;
        if (committed != null) {
            finished.addAll(FinishedOffsets.decode(committed.offset(), committed.metadata()));
        }
    }

    /**
     * Records that {@code offset} was fetched; false when it already has its terminal record (a
     * redelivery of a record that this or an earlier owner finished): it must not be served again.
     */
    public boolean fetched(long offset) {
        next = Math.max(next, offset + 1);
        if (offset < floor || finished.contains(offset)) {
            return false;
        }
        unfinished.add(offset);
        return true;
    }

    /** Records that {@code offset} has its terminal record. */
    public void finished(long offset) {
        if (unfinished.remove(offset)) {
            finished.add(offset);
        }
    }

    /** The commit that describes this partition now; null when nothing was fetched or inherited. */
    public OffsetAndMetadata committable() {
        long offset = commitOffset();
        return offset < 0 ? null : new OffsetAndMetadata(offset, FinishedOffsets.encode(offset, finished));
    }

    /** {@link #committable()} when it differs from the last commit, else null. */
    public OffsetAndMetadata newCommit() {
        OffsetAndMetadata now = committable();
        boolean changed = now != null && (committed == null || now.offset() != committed.offset()
                || !Objects.equals(now.metadata(), committed.metadata()));
        return changed ? now : null;
    }

    /** Whether {@link #committable()} differs from the last commit. */
    public boolean hasNewCommit() {
        return newCommit() != null;
    }

    /** The lowest unfinished offset, or the next past what is finished; -1 when nothing was fetched or inherited. */
    private long commitOffset() {
        if (next < 0) {
            return -1;
        }
        long offset = unfinished.isEmpty() ? next : unfinished.first();
        while (finished.contains(offset)) {
            offset++;
        }
        return offset;
    }

    /** The commit is durable: what lies below it is finished for good. */
    public void committedAt(OffsetAndMetadata commit) {
        committed = commit;
        floor = Math.max(floor, commit.offset());
        finished.headSet(floor, false).clear();
    }

    /** Offsets from the commit point to the highest fetched: what the next commit's metadata must span. */
    public long span() {
        long offset = commitOffset();
        return offset < 0 ? 0 : Math.max(0, next - offset);
    }

    public int unfinishedCount() {
        return unfinished.size();
    }
}
