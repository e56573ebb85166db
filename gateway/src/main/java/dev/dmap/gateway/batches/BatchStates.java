package dev.dmap.gateway.batches;

import dev.dmap.client.KafkaConnection;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.DaemonThreads;
import dev.dmap.schemas.kafka.BatchStateRecords;
import dev.dmap.schemas.kafka.ConsumerSettings;
import dev.dmap.schemas.kafka.TopicScan;
import java.time.Duration;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest state of every batch, as the batch tracker publishes it on the compacted batches
 * topic: one consumer assigned to all its partitions from the start, following it for as long as
 * the gateway runs. A gateway that starts reads the topic again; it keeps nothing else, and answers
 * no batch's state before it has read up to the topic's end as it was at start (else a restarted
 * gateway would show an ended batch as {@code in_progress}). If reading stops for good (Kafka
 * refuses the gateway), the failure listeners hear why: the gateway exits rather than answer stale.
 * Listeners of ended batches hear each batch the tracker reports ended (the output writer).
 */
public final class BatchStates implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchStates.class);
    /** How long a call waits for a starting gateway to finish reading the batch states. */
    static final Duration CATCH_UP_PATIENCE = Duration.ofSeconds(20);
    private final Map<String, BatchState> latest = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final List<Consumer<String>> failureListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> endedListeners = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    /** A reader that has not started yet: {@link #start()} it. */
    public BatchStates(KafkaConnection kafka) {
        // asking for a missing topic must not create it: the tracker creates it compacted
        Map<String, Object> properties = ConsumerSettings.readCommittedBytes(kafka.clientProperties());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(properties);
        this.topic = kafka.topics().batches();
    }

    /** Starts following the topic on a thread of its own. */
    public synchronized BatchStates start() {
        if (thread == null) {
            thread = DaemonThreads.start("gateway-batch-states", this::follow);
        }
        return this;
    }

    /**
     * The batch's latest state; waits up to {@code CATCH_UP_PATIENCE} while the gateway is still
     * reading the states published before it started, then fails with {@link StatesUnavailable}.
     */
    public Optional<BatchState> get(String batchId) {
        String problem = problem();
        if (problem != null && failure == null) {
            awaitCaughtUp(CATCH_UP_PATIENCE);
            problem = problem();
        }
        if (problem != null) {
            throw new StatesUnavailable(problem);
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

    public boolean failed() {
        return failure != null;
    }

    /** Runs {@code action} with the batch id of each state read that says the batch has ended (on the reading thread). */
    public void onEnded(Consumer<String> action) {
        endedListeners.add(action);
    }

    /** Runs {@code action} once with the reason if reading stops for good. */
    public void onFailure(Consumer<String> action) {
        failureListeners.add(action);
        if (failure != null && failureListeners.remove(action)) {
            action.accept(failure.toString());
        }
    }

    public boolean awaitCaughtUp(Duration patience) {
        try {
            return caughtUp.await(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = TopicScan.assignFromBeginning(consumer, awaitPartitions());
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
            List<TopicPartition> partitions;
            try {
                partitions = TopicScan.partitionsOf(consumer, List.of(topic), Duration.ofSeconds(10));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                partitions = List.of(); // Kafka slow to answer: ask again, it is not a reason to give up
            }
            if (!partitions.isEmpty()) {
                return partitions;
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
        BatchState state = BatchStateRecords.apply(record, latest, (unreadable, e) -> log.warn(
                "Skipped an unreadable batch state at {}-{}@{}: {}", unreadable.topic(), unreadable.partition(), unreadable.offset(),
                e.getMessage()));
        if (state != null && state.ended()) {
            for (Consumer<String> listener : endedListeners) {
                try {
                    listener.accept(state.batchId());
                } catch (RuntimeException e) {
                    log.warn("A listener of ended batches failed on {}: {}", state.batchId(), e.toString());
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        if (thread != null) {
            thread.join(5_000);
        } else {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
