package dev.dmap.worker.loop;

import dev.dmap.worker.delivery.Assignment;
import dev.dmap.worker.delivery.OffsetTracker;
import dev.dmap.worker.metrics.WorkerMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backlog per model in this worker's partitions: the consumer lag (records not fetched yet),
 * for the strategy on every loop, and {@code dmap_queue_depth{model}} (lag plus fetched but
 * unfinished) about once a second. A topic's model is the exact id seen in its records.
 */
final class QueueDepth {
    private static final Logger log = LoggerFactory.getLogger(QueueDepth.class);
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Duration END_OFFSET_TIMEOUT = Duration.ofMillis(500);

    private final Consumer<byte[], byte[]> consumer;
    private final WorkerMetrics metrics;
    private final Map<String, String> modelOfTopic = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
    private long lastReport = System.nanoTime() - INTERVAL_NANOS;
    private Map<TopicPartition, Long> endOffsets = Map.of();
    private long endOffsetsReadAt = System.nanoTime() - INTERVAL_NANOS;

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

    /**
     * Unfetched records per model, over the owned partitions. The consumer knows a partition's
     * lag only once a fetch returned for it; until then (just assigned or resumed, or paused
     * before its first fetch) the lag comes from the broker's end offset, asked at most once a
     * second, and counts as one record if even that is unknown: an unknown backlog is never
     * taken for a drained one.
     */
    Map<String, Long> lag(Set<TopicPartition> owned) {
        Map<String, Long> lag = new HashMap<>();
        Set<TopicPartition> unknown = new HashSet<>();
        for (TopicPartition partition : owned) {
            OptionalLong known = consumer.currentLag(partition);
            if (known.isEmpty()) {
                unknown.add(partition);
            } else if (known.getAsLong() > 0) {
                lag.merge(modelOrKey(partition.topic()), known.getAsLong(), Long::sum);
            }
        }
        for (TopicPartition partition : unknown) {
            long partitionLag = lagFromEndOffset(partition, unknown);
            if (partitionLag > 0) {
                lag.merge(modelOrKey(partition.topic()), partitionLag, Long::sum);
            }
        }
        return lag;
    }

    private long lagFromEndOffset(TopicPartition partition, Set<TopicPartition> unknown) {
        try {
            long now = System.nanoTime();
            if (now - endOffsetsReadAt > INTERVAL_NANOS || !endOffsets.keySet().containsAll(unknown)) {
                endOffsets = consumer.endOffsets(unknown, END_OFFSET_TIMEOUT);
                endOffsetsReadAt = now;
            }
            Long end = endOffsets.get(partition);
            return end == null ? 1 : Math.max(0, end - consumer.position(partition, END_OFFSET_TIMEOUT));
        } catch (KafkaException e) {
            log.debug("Lag of {} unknown for now: {}", partition, e.toString());
            return 1;
        }
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
