package dev.dmap.worker.kafka;

import dev.dmap.worker.scheduling.WorkQueue;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides which partitions stop fetching: all of them while the backend is down, and any
 * partition whose buffer of fetched, unstarted records is full (it resumes at half), so memory
 * stays flat however large the backlog in Kafka is. Pausing keeps the consumer polling, so the
 * group membership is never at risk.
 */
final class PartitionPauses {
    private final Consumer<byte[], byte[]> consumer;
    private final int maxBuffered;
    private final Set<TopicPartition> full = new HashSet<>();

    PartitionPauses(Consumer<byte[], byte[]> consumer, int maxBuffered) {
        this.consumer = consumer;
        this.maxBuffered = maxBuffered;
    }

    void apply(Set<TopicPartition> owned, WorkQueue<PendingRecord> queue, boolean backendDown) {
        full.retainAll(owned);
        for (TopicPartition partition : owned) {
            int count = queue.bucketSize(partition);
            if (count >= maxBuffered) {
                full.add(partition);
            } else if (count <= maxBuffered / 2) {
                full.remove(partition);
            }
        }
        Set<TopicPartition> wanted = backendDown ? new HashSet<>(owned) : new HashSet<>(full);
        Set<TopicPartition> paused = consumer.paused();
        Set<TopicPartition> toPause = new HashSet<>(wanted);
        toPause.removeAll(paused);
        Set<TopicPartition> toResume = new HashSet<>(paused);
        toResume.removeAll(wanted);
        toResume.retainAll(owned);
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
        }
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
        }
    }
}
