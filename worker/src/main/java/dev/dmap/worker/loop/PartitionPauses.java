package dev.dmap.worker.loop;

import dev.dmap.worker.delivery.Assignment;
import dev.dmap.worker.delivery.FinishedOffsets;
import dev.dmap.worker.delivery.OffsetTracker;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides which partitions stop fetching, while polling goes on (so the group membership is
 * never at risk):
 * <ul>
 *   <li>all of them while the backend is down;</li>
 *   <li>a partition whose buffer of fetched, unstarted records is full (it resumes at half), so
 *       memory stays flat however large the backlog in Kafka is;</li>
 *   <li>a partition of a model the strategy is not serving, once a few of its records are
 *       fetched (enough to know how long it has waited): the rest stays in Kafka;</li>
 *   <li>a partition not positioned yet (just assigned, or rewound), until it is;</li>
 *   <li>a partition whose finished-but-uncommitted span nears what one commit's metadata can
 *       describe ({@link FinishedOffsets#MAX_SPAN}): a request stuck at a low offset must not let
 *       the offsets above it run away.</li>
 * </ul>
 */
final class PartitionPauses {
    private final Consumer<byte[], byte[]> consumer;
    private final int maxBuffered;
    private final int prefetch;
    /** Pause a partition at half the span a commit can carry: a poll may fetch more before the pause takes. */
    static final long MAX_SPAN = FinishedOffsets.MAX_SPAN / 2;

    private final Set<TopicPartition> full = new HashSet<>();
    private final Assignment assignment;

    PartitionPauses(Consumer<byte[], byte[]> consumer, int maxBuffered, int prefetch, Assignment assignment) {
        this.consumer = consumer;
        this.assignment = assignment;
        this.maxBuffered = maxBuffered;
        this.prefetch = prefetch;
    }

    /** @param modelOfTopic the exact model of a request topic, or null while unknown */
    void apply(Set<TopicPartition> owned, Dispatcher dispatcher, boolean backendDown, Function<String, String> modelOfTopic) {
        full.retainAll(owned);
        Set<TopicPartition> wanted = new HashSet<>();
        for (TopicPartition partition : owned) {
            int buffered = dispatcher.buffered(partition);
            if (buffered >= maxBuffered) {
                full.add(partition);
            } else if (buffered <= maxBuffered / 2) {
                full.remove(partition);
            }
            String model = modelOfTopic.apply(partition.topic());
            boolean notServed = model != null && !dispatcher.isServing(model);
            OffsetTracker tracker = assignment.tracker(partition);
            boolean held = tracker == null || tracker.span() >= MAX_SPAN;
            if (held || backendDown || full.contains(partition) || (notServed && buffered >= prefetch)) {
                wanted.add(partition);
            }
        }
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
