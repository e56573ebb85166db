package dev.dmap.worker.delivery;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this worker owns, with an epoch per ownership and the offset tracker of each.
 * A partition that is assigned (or rewound after an aborted transaction) stays paused until it
 * is <em>positioned</em>: seeked to its committed offset, with the finished offsets above it read
 * from the commit metadata, so that nothing a previous owner finished is served again. An outcome
 * from an older ownership no longer matches the epoch and is dropped. {@link PartitionHandover}
 * tells it of rebalances. Runs on the poll thread (rebalance callbacks run inside {@code poll}).
 */
public final class Assignment {
    private static final Logger log = LoggerFactory.getLogger(Assignment.class);

    private final Consumer<?, ?> consumer;
    private final Map<TopicPartition, Long> epochs = new HashMap<>();
    private final Map<TopicPartition, OffsetTracker> trackers = new HashMap<>();
    private final Set<TopicPartition> unpositioned = new HashSet<>();
    private long lastEpoch;
    private boolean joined;
    private boolean positionWarned;

    public Assignment(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    /** The partitions are this worker's now: new ownerships, paused until positioned. */
    public void assigned(Collection<TopicPartition> partitions) {
        joined = true;
        restart(partitions);
    }

    /** Whether the record's partition is still ours, in the same ownership it was fetched in. */
    public boolean owns(PendingRecord pending) {
        Long epoch = epochs.get(pending.partition());
        return epoch != null && epoch == pending.epoch();
    }

    /** The partition's current epoch, or -1 when it is not owned. */
    public long epoch(TopicPartition partition) {
        return epochs.getOrDefault(partition, -1L);
    }

    /**
     * Starts the partitions' ownership afresh (on assignment, or after an aborted transaction):
     * new epochs, so that outcomes of the old one are dropped, and paused until positioned.
     */
    public void restart(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            epochs.put(partition, ++lastEpoch);
            trackers.remove(partition);
            unpositioned.add(partition);
        }
        if (!partitions.isEmpty()) {
            consumer.pause(partitions);
        }
    }

    /**
     * Positions what is waiting to be: reads the committed offsets (with metadata) and seeks to
     * them. While the broker does not answer within {@code timeout} the partitions stay paused and
     * the next call tries again; nothing else waits for it.
     *
     * @return the partitions it positioned now (none while the broker does not answer)
     */
    public Set<TopicPartition> position(Duration timeout) {
        if (unpositioned.isEmpty()) {
            return Set.of();
        }
        Set<TopicPartition> partitions = Set.copyOf(unpositioned);
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = consumer.committed(partitions, timeout);
        } catch (TimeoutException e) {
            if (!positionWarned) {
                log.warn("Cannot read the committed offsets of {} yet ({}); they stay paused until Kafka answers",
                        partitions, e.toString());
                positionWarned = true;
            }
            return Set.of();
        }
        positionWarned = false;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
            } else {
                consumer.seekToBeginning(List.of(partition));
            }
            trackers.put(partition, new OffsetTracker(offset));
            unpositioned.remove(partition);
        }
        return partitions;
    }

    /**
     * {@link #position}, then lets the partitions it positioned fetch at once (from a rebalance
     * callback, so that they fetch within the poll that assigned them); whoever pauses partitions
     * for other reasons pauses them again at its next turn.
     */
    public void positionAndResume(Duration timeout) {
        Set<TopicPartition> positioned = position(timeout);
        if (!positioned.isEmpty()) {
            consumer.resume(positioned);
        }
    }

    /** Partitions that must stay paused until {@link #position} has sought them. */
    public Set<TopicPartition> unpositioned() {
        return unpositioned;
    }

    /** Whether this worker has completed a rebalance, so that its idleness means something. */
    public boolean joined() {
        return joined;
    }

    /** The partition's tracker, or null while it is not positioned (or not owned). */
    public OffsetTracker tracker(TopicPartition partition) {
        return trackers.get(partition);
    }

    public Set<TopicPartition> partitions() {
        return epochs.keySet();
    }

    /** Commits that changed since the last one (offset or finished offsets above it), for the given partitions. */
    public Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetTracker tracker = trackers.get(partition);
            OffsetAndMetadata commit = tracker == null ? null : tracker.newCommit();
            if (commit != null) {
                offsets.put(partition, commit);
            }
        }
        return offsets;
    }

    public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            OffsetTracker tracker = trackers.get(partition);
            if (tracker != null) {
                tracker.committedAt(offset);
            }
        });
    }

    /** The partitions are no longer this worker's (revoked or lost). */
    public void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(partition -> {
            epochs.remove(partition);
            trackers.remove(partition);
            unpositioned.remove(partition);
        });
    }
}
