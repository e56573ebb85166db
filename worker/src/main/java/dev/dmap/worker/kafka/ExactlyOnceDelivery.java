package dev.dmap.worker.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once (Kafka transactions, read-process-write): terminal records go into an open
 * transaction; every transaction interval the worker adds the consumed offsets of everything
 * finished and commits. A read_committed reader sees each request's outcome once: after a crash
 * the open transaction is aborted (when the worker's successor, with the same transactional id,
 * starts) and the uncommitted requests are served again.
 *
 * <p>The transactional id is {@code <topic-prefix>-<group>-<worker-id>}: stable across restarts, so
 * a restarted worker fences the zombie it replaces; fencing across rebalances comes from the
 * group metadata sent with the offsets (EOS v2, KIP-447).
 */
final class ExactlyOnceDelivery implements Delivery {
    private static final Logger log = LoggerFactory.getLogger(ExactlyOnceDelivery.class);

    /** What the poll loop does when a transaction fails. */
    interface Recovery {
        /** The transaction was aborted: serve every owned partition again from its committed offset. */
        void rewind();

        /** Another instance took over this worker's transactional id: this one must stop. */
        void fenced(KafkaException cause);
    }

    private final Producer<byte[], byte[]> producer;
    private final Consumer<byte[], byte[]> consumer;
    private final Assignment assignment;
    private final Duration interval;
    private final Clock clock;
    private final Recovery recovery;
    private final List<PendingRecord> inTransaction = new ArrayList<>();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private boolean open;
    private Instant openedAt = Instant.EPOCH;

    ExactlyOnceDelivery(Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> consumer, Assignment assignment,
            Duration interval, Clock clock, Recovery recovery) {
        this.producer = producer;
        this.consumer = consumer;
        this.assignment = assignment;
        this.interval = interval;
        this.clock = clock;
        this.recovery = recovery;
        producer.initTransactions();
    }

    @Override
    public void send(PendingRecord pending, ProducerRecord<byte[], byte[]> record) {
        sendBestEffort(record);
        inTransaction.add(pending);
    }

    /** The record's offset commits with the next transaction. */
    @Override
    public void skip(PendingRecord pending) {
        if (!open) {
            producer.beginTransaction();
            open = true;
            openedAt = clock.instant();
        }
        inTransaction.add(pending);
    }

    @Override
    public void sendBestEffort(ProducerRecord<byte[], byte[]> record) {
        if (!open) {
            producer.beginTransaction();
            open = true;
            openedAt = clock.instant();
        }
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                sendFailure.compareAndSet(null, error);
            }
        });
    }

    /** Nothing waits for an acknowledgement: a record in the open transaction is durable when it commits. */
    @Override
    public int pendingIn(Collection<TopicPartition> partitions) {
        return 0;
    }

    @Override
    public void commit(boolean now) {
        if (!open || (!now && clock.instant().isBefore(openedAt.plus(interval)))) {
            return;
        }
        try {
            if (sendFailure.get() != null) {
                throw new KafkaException("a record of the transaction failed", sendFailure.get());
            }
            for (PendingRecord pending : inTransaction) {
                if (assignment.owns(pending)) {
                    assignment.tracker(pending.partition()).finished(pending.offset());
                }
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = assignment.committable(assignment.partitions());
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            }
            producer.commitTransaction();
            assignment.committed(offsets);
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException e) {
            recovery.fenced(e);
        } catch (KafkaException e) {
            log.warn("Transaction failed ({}); aborting it and serving its requests again", e.toString());
            abortQuietly();
            recovery.rewind();
        } finally {
            open = false;
            inTransaction.clear();
            sendFailure.set(null);
        }
    }

    @Override
    public void close() {
        if (open) {
            abortQuietly();
        }
        producer.close(Duration.ofSeconds(10));
    }

    private void abortQuietly() {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            log.warn("Aborting the transaction failed too: {}", e.toString());
        }
    }
}
