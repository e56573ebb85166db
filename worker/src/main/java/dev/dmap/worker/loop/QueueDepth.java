package dev.dmap.worker.loop;

import dev.dmap.worker.delivery.Assignment;
import dev.dmap.worker.delivery.OffsetTracker;
import dev.dmap.worker.metrics.WorkerMetrics;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Backlog per model in this worker's partitions: the consumer lag (records not fetched yet),
 * for the strategy on every loop, and {@code dmap_queue_depth{model}} (lag plus fetched but
 * unfinished) about once a second. A topic's model is the exact id seen in its records.
 */
final class QueueDepth {
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Consumer<byte[], byte[]> consumer;
    private final WorkerMetrics metrics;
    private final Map<String, String> modelOfTopic = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
    private long lastReport = System.nanoTime() - INTERVAL_NANOS;

    QueueDepth(Consumer<byte[], byte[]> consumer, WorkerMetrics metrics) {
        this.consumer = consumer;
        this.metrics = metrics;
    }

    void learnModel(String topic, String model) {
        modelOfTopic.putIfAbsent(topic, model);
    }

    /** The exact model of a topic, or null until one of its records was read. */
    String modelOf(String topic) {
        return modelOfTopic.get(topic);
    }

    /** Unfetched records per model, over the owned partitions. */
    Map<String, Long> lag(Set<TopicPartition> owned) {
        Map<String, Long> lag = new HashMap<>();
        for (TopicPartition partition : owned) {
            long partitionLag = consumer.currentLag(partition).orElse(0);
            if (partitionLag > 0) {
                lag.merge(modelOrKey(partition.topic()), partitionLag, Long::sum);
            }
        }
        return lag;
    }

    void report(Assignment assignment) {
        long now = System.nanoTime();
        if (now - lastReport < INTERVAL_NANOS) {
            return;
        }
        lastReport = now;
        Map<String, Long> depth = new HashMap<>(lag(assignment.partitions()));
        for (TopicPartition partition : assignment.partitions()) {
            OffsetTracker tracker = assignment.tracker(partition);
            if (tracker != null) {
                depth.merge(modelOrKey(partition.topic()), (long) tracker.unfinishedCount(), Long::sum);
            }
        }
        reported.forEach(model -> depth.putIfAbsent(model, 0L));
        depth.forEach(metrics::queueDepth);
        reported.addAll(depth.keySet());
    }

    private String modelOrKey(String topic) {
        String model = modelOfTopic.get(topic);
        return model != null ? model : topic.substring(topic.lastIndexOf(".requests.") + ".requests.".length());
    }
}
