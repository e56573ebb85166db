package dev.dmap.worker.batches;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.DaemonThreads;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.kafka.BatchStateRecords;
import dev.dmap.schemas.kafka.ConsumerSettings;
import dev.dmap.schemas.kafka.TopicScan;
import dev.dmap.worker.pipeline.BatchGate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * Follows the batch commands (for cancellations) and the batch states (for ended batches) on a
 * thread of its own, so that a worker stops calling the backend for a cancelled batch within a
 * second or so. Holds one entry per cancelled or ended batch. It also follows the cancels of online
 * calls (a caller that went away), keyed by request id, for an hour.
 */
public final class BatchRegistry implements BatchGate, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchRegistry.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topics topics;
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    /** Cancelled online calls, with when the cancel was published; forgotten after {@link #CANCEL_MEMORY}. */
    private final Map<String, Long> cancelledCalls = new ConcurrentHashMap<>();
    /** Longer than any online call may wait; the cancels topic keeps its records about as long. */
    static final Duration CANCEL_MEMORY = Duration.ofHours(1);
    private Thread thread;
    private volatile boolean running = true;
    private boolean failing;

    private BatchRegistry(Topics topics, Map<String, Object> clientProperties) {
        this.topics = topics;
        // the tracker creates the topics, compacted where needed: this reader never does
        Map<String, Object> props = ConsumerSettings.readCommittedBytes(clientProperties);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.remove(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, props.getOrDefault(ConsumerConfig.CLIENT_ID_CONFIG, "dmap") + "-batches");
        this.consumer = new KafkaConsumer<>(props);
    }

    /** A registry following both topics on a thread of its own from now on. */
    public static BatchRegistry start(Topics topics, Map<String, Object> clientProperties) {
        BatchRegistry registry = new BatchRegistry(topics, clientProperties);
        registry.thread = DaemonThreads.start("dmap-batches", registry::follow);
        return registry;
    }

    @Override
    public boolean cancelled(String batchId) {
        return batchId != null && cancelled.contains(batchId);
    }

    @Override
    public boolean requestCancelled(String requestId) {
        return cancelledCalls.containsKey(requestId);
    }

    @Override
    public boolean ended(String batchId) {
        return batchId != null && ended.contains(batchId);
    }

    private void follow() {
        try {
            TopicScan.assignFromBeginning(consumer, partitions());
            while (running) {
                pollOnce();
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** One poll; a Kafka failure (the broker away) is logged once per run of them and waited out. */
    private void pollOnce() {
        try {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                apply(record);
            }
            failing = false;
        } catch (org.apache.kafka.common.KafkaException e) {
            if (e instanceof WakeupException wakeup) {
                throw wakeup;
            }
            if (!failing) {
                log.warn("Following batch commands and states failed ({}); trying again", e.toString());
                failing = true;
            }
            sleepQuietly();
        }
    }

    /** The partitions of both topics, waiting for topics that another process has not finished creating. */
    private List<TopicPartition> partitions() {
        while (true) {
            List<TopicPartition> partitions = new ArrayList<>();
            boolean complete = true;
            for (String topic : List.of(topics.batchCommands(), topics.batches(), topics.cancels())) {
                List<TopicPartition> found;
                try {
                    found = TopicScan.partitionsOf(consumer, List.of(topic), Duration.ofSeconds(30));
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    found = List.of();
                }
                complete &= !found.isEmpty();
                partitions.addAll(found);
            }
            if (complete) {
                return partitions;
            }
            log.debug("Waiting for topics {} and {}", topics.batchCommands(), topics.batches());
            if (!running) {
                throw new WakeupException();
            }
            sleepQuietly();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        String batchId = new String(record.key(), StandardCharsets.UTF_8);
        try {
            if (record.topic().equals(topics.cancels())) {
                long forgetBefore = System.currentTimeMillis() - CANCEL_MEMORY.toMillis();
                cancelledCalls.values().removeIf(at -> at < forgetBefore);
                if (record.timestamp() >= forgetBefore) {
                    cancelledCalls.put(batchId, record.timestamp());
                }
            } else if (record.topic().equals(topics.batchCommands())) {
                if (BatchCommand.CANCEL.equals(MessageCodec.decode(record.value(), BatchCommand.class).type())) {
                    if (cancelled.add(batchId)) {
                        log.info("Batch {} is cancelled: its remaining requests end as batch_cancelled", batchId);
                    }
                }
            } else {
                BatchState state = BatchStateRecords.state(record, (unreadable, e) -> log.warn(
                        "Ignoring an unreadable record on {}: {}", unreadable.topic(), e.getMessage()));
                if (state != null && state.ended()) {
                    ended.add(batchId);
                }
            }
        } catch (JacksonException | IllegalArgumentException e) {
            log.warn("Ignoring an unreadable record on {}: {}", record.topic(), e.getMessage());
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
