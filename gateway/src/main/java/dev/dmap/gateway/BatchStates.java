package dev.dmap.gateway;

import dev.dmap.cli.KafkaOptions;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest state of every batch, as the batch tracker publishes it on the compacted batches
 * topic: one consumer assigned to all its partitions from the start, following it for as long as
 * the gateway runs. A gateway that starts reads the topic again; it keeps nothing else, and answers
 * no batch's state before it has read up to the topic's end as it was at start (else a restarted
 * gateway would show an ended batch as {@code in_progress}). If reading stops for good (Kafka
 * refuses the gateway), the failure listeners hear why: the gateway exits rather than answer stale.
 */
public final class BatchStates implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchStates.class);
    /** How long a call waits for a starting gateway to finish reading the batch states. */
    static final Duration CATCH_UP_PATIENCE = Duration.ofSeconds(20);
    private final Map<String, BatchState> latest = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final List<Consumer<String>> failureListeners = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    public BatchStates(KafkaOptions kafka) {
        Map<String, Object> properties = new HashMap<>(kafka.clientProperties());
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // asking for a missing topic must not create it: the tracker creates it compacted
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.consumer = new KafkaConsumer<>(properties);
        this.topic = kafka.topics().batches();
        this.thread = new Thread(this::follow, "gateway-batch-states");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The batch's latest state; waits up to {@code CATCH_UP_PATIENCE} while the gateway is still
     * reading the states published before it started, then answers 503.
     */
    public Optional<BatchState> get(String batchId) {
        String problem = problem();
        if (problem != null && failure == null) {
            awaitCaughtUp(CATCH_UP_PATIENCE);
            problem = problem();
        }
        if (problem != null) {
            throw ApiError.unavailable(problem);
        }
        return Optional.ofNullable(latest.get(batchId));
    }

    /** The batch's latest state as read so far, without waiting or failing (for background work). */
    public Optional<BatchState> peek(String batchId) {
        return Optional.ofNullable(latest.get(batchId));
    }

    /** Why batch states cannot be answered now (still catching up, or reading failed), or null when they can. */
    public String problem() {
        if (failure != null) {
            return "batch states cannot be read from Kafka (" + failure.getMessage() + ")";
        }
        return caughtUp.getCount() == 0 ? null : "the gateway is starting: reading the batch states published before it";
    }

    boolean failed() {
        return failure != null;
    }

    /** Runs {@code action} once with the reason if reading stops for good. */
    public void onFailure(Consumer<String> action) {
        failureListeners.add(action);
        if (failure != null && failureListeners.remove(action)) {
            action.accept(failure.toString());
        }
    }

    boolean awaitCaughtUp(Duration patience) {
        try {
            return caughtUp.await(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> endAtStart = endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    take(record);
                }
                if (caughtUp.getCount() > 0 && endAtStart.entrySet().stream()
                        .allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
                    log.info("Read {} batch states from {}", latest.size(), topic);
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                fail(e);
            }
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void fail(RuntimeException e) {
        failure = e;
        log.error("Reading batch states from {} stopped for good: {}", topic, e.toString());
        for (Consumer<String> listener : failureListeners) {
            if (failureListeners.remove(listener)) { // whoever removes it calls it: once, even racing onFailure
                listener.accept(e.toString());
            }
        }
    }

    /** The partitions' end offsets; a Kafka slow to answer is asked again, for as long as the gateway runs. */
    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
        while (running) {
            try {
                return consumer.endOffsets(partitions, Duration.ofSeconds(10));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.info("Kafka did not tell the end of {} within 10 s; asking again", topic);
            }
        }
        throw new WakeupException();
    }

    /** The tracker creates the topic when the first worker starts: wait for it rather than fail. */
    private List<TopicPartition> awaitPartitions() {
        while (running) {
            List<org.apache.kafka.common.PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = List.of(); // Kafka slow to answer: ask again, it is not a reason to give up
            }
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            }
            caughtUp.countDown(); // no topic, no states published before: nothing to catch up on
            log.info("Waiting for topic {} (created by the first worker with the batch tracker)", topic);
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WakeupException();
            }
        }
        throw new WakeupException();
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String batchId = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            latest.remove(batchId);
            return;
        }
        try {
            latest.put(batchId, MessageCodec.decode(record.value(), BatchState.class));
        } catch (RuntimeException e) {
            log.warn("Skipped an unreadable batch state for {} at {}-{}@{}: {}", batchId, record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
