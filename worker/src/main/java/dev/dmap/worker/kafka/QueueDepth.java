package dev.dmap.worker.kafka;

import dev.dmap.worker.metrics.WorkerMetrics;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Publishes {@code dmap_queue_depth{model}} about once a second: for every owned partition,
 * the records not fetched yet (consumer lag) plus those fetched and unfinished. A topic's model
 * is the exact id seen in its records, or its model key until a record arrives.
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

    void report(Assignment assignment) {
        long now = System.nanoTime();
        if (now - lastReport < INTERVAL_NANOS) {
            return;
        }
        lastReport = now;
        Map<String, Long> depth = new HashMap<>();
        for (TopicPartition partition : assignment.partitions()) {
            long lag = consumer.currentLag(partition).orElse(0);
            long unfinished = assignment.tracker(partition).unfinishedCount();
            depth.merge(modelOf(partition.topic()), lag + unfinished, Long::sum);
        }
        reported.forEach(model -> depth.putIfAbsent(model, 0L));
        depth.forEach(metrics::queueDepth);
        reported.addAll(depth.keySet());
    }

    private String modelOf(String topic) {
        String model = modelOfTopic.get(topic);
        return model != null ? model : topic.substring(topic.lastIndexOf(".requests.") + ".requests.".length());
    }
}
