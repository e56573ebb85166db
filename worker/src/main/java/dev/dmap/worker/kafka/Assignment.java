package dev.dmap.worker.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this worker owns, with an epoch per ownership and the offset tracker of each.
 * On revocation it lets the poll loop hand the partitions over (drop what waits, finish and
 * publish what is in flight, commit), then forgets them. An outcome from an older
 * ownership no longer matches the epoch and is dropped. Runs on the poll thread (rebalance
 * callbacks run inside {@code poll}).
 */
final class Assignment implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(Assignment.class);

    /** What the poll loop does before revoked partitions are forgotten: finish, make durable, commit. */
    interface Handover {
        void release(Collection<TopicPartition> partitions);

        void lost(Collection<TopicPartition> partitions);
    }

    private final Handover handover;
    private final Map<TopicPartition, Long> epochs = new HashMap<>();
    private final Map<TopicPartition, OffsetTracker> trackers = new HashMap<>();
    private long lastEpoch;
    private boolean joined;

    Assignment(Handover handover) {
        this.handover = handover;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        joined = true;
        for (TopicPartition partition : partitions) {
            epochs.put(partition, ++lastEpoch);
            trackers.put(partition, new OffsetTracker());
        }
        if (!partitions.isEmpty()) {
            log.info("Assigned {}", partitions);
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        handover.release(partitions);
        forget(partitions);
        log.info("Revoked {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        handover.lost(partitions);
        forget(partitions);
        log.warn("Lost {} without a clean hand-over; their unfinished records will be served again", partitions);
    }

    /** Whether the record's partition is still ours, in the same ownership it was fetched in. */
    boolean owns(PendingRecord pending) {
        Long epoch = epochs.get(pending.partition());
        return epoch != null && epoch == pending.epoch();
    }

    long epoch(TopicPartition partition) {
        Long epoch = epochs.get(partition);
        if (epoch == null) {
            // a record can only come from an assigned partition; be safe if the callback was skipped
            onPartitionsAssigned(Set.of(partition));
            epoch = epochs.get(partition);
        }
        return epoch;
    }

    /** Starts the partitions' ownership afresh: new epochs, empty trackers (after a rewind). */
    void restart(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            epochs.put(partition, ++lastEpoch);
            trackers.put(partition, new OffsetTracker());
        }
    }

    /** Whether this worker has completed a rebalance, so that its idleness means something. */
    boolean joined() {
        return joined;
    }

    OffsetTracker tracker(TopicPartition partition) {
        return trackers.get(partition);
    }

    Set<TopicPartition> partitions() {
        return epochs.keySet();
    }

    /** Offsets that moved since the last commit, for the given partitions. */
    Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetTracker tracker = trackers.get(partition);
            if (tracker != null && tracker.hasNewCommit()) {
                offsets.put(partition, new OffsetAndMetadata(tracker.committable()));
            }
        }
        return offsets;
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            OffsetTracker tracker = trackers.get(partition);
            if (tracker != null) {
                tracker.committedUpTo(offset.offset());
            }
        });
    }

    private void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(partition -> {
            epochs.remove(partition);
            trackers.remove(partition);
        });
    }
}
