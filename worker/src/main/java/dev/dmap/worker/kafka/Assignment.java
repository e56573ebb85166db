package dev.dmap.worker.kafka;

import dev.dmap.worker.scheduling.WorkQueue;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this worker owns, with an epoch per ownership and the offset tracker of each.
 * On revocation it commits what is finished and forgets the rest: buffered records are dropped
 * and in-flight ones, when they finish, no longer match the epoch, so the new owner serves them.
 * Runs on the poll thread (rebalance callbacks run inside {@code poll}).
 */
final class Assignment implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(Assignment.class);

    private final Consumer<byte[], byte[]> consumer;
    private final WorkQueue<PendingRecord> queue;
    private final Map<TopicPartition, Long> epochs = new HashMap<>();
    private final Map<TopicPartition, OffsetTracker> trackers = new HashMap<>();
    private long lastEpoch;

    Assignment(Consumer<byte[], byte[]> consumer, WorkQueue<PendingRecord> queue) {
        this.consumer = consumer;
        this.queue = queue;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
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
        Map<TopicPartition, OffsetAndMetadata> finished = committable(partitions);
        try {
            if (!finished.isEmpty()) {
                consumer.commitSync(finished);
            }
        } catch (RuntimeException e) {
            log.warn("Could not commit {} on revocation: {}", finished, e.toString());
        }
        forget(partitions);
        log.info("Revoked {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
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
        Set<TopicPartition> gone = Set.copyOf(partitions);
        queue.removeIf(pending -> gone.contains(pending.partition()));
        gone.forEach(partition -> {
            epochs.remove(partition);
            trackers.remove(partition);
        });
    }
}
