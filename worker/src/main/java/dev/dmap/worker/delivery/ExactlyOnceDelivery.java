package dev.dmap.worker.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once (Kafka transactions, read-process-write): terminal records go into an open
 * transaction; every transaction interval the worker adds the commit of every partition that
 * changed (its lowest unfinished offset, with the finished offsets above it as metadata) and
 * commits. A read_committed reader sees each request's outcome once: an aborted transaction
 * takes its records and its commits with it, and its requests are served again; a committed one
 * tells the next owner of a partition exactly which records are done.
 *
 * <p>Every partition with a record in the transaction has its commit in it, so the group
 * coordinator checks this worker's generation (EOS v2, KIP-447): a worker that lost its
 * partitions without noticing (a zombie) cannot commit their outcomes.
 *
 * <p>Broker outages are survived: a transaction that cannot commit is aborted; a producer that
 * cannot even abort, or whose epoch the coordinator bumped while it was away, is replaced by a
 * new one with the same transactional id, and the owned partitions are served again from their
 * commits. Only a true conflict (another live worker with the same id) stops the worker.
 *
 * <p>The transactional id is {@code <topic-prefix>-<group>-<worker-id>}: stable across restarts, so
 * a restarted worker fences the zombie it replaces.
 */
public final class ExactlyOnceDelivery implements Delivery {
    private static final Logger log = LoggerFactory.getLogger(ExactlyOnceDelivery.class);

    private final TransactionalProducer producer;
    private final Consumer<byte[], byte[]> consumer;
    private final Assignment assignment;
    private final Duration interval;
    private final Recovery recovery;
    private final List<PendingRecord> inTransaction = new ArrayList<>();

    public ExactlyOnceDelivery(Supplier<Producer<byte[], byte[]>> producers, Consumer<byte[], byte[]> consumer,
            Assignment assignment, Duration interval, Clock clock, Recovery recovery) {
        this.producer = new TransactionalProducer(producers, clock);
        this.consumer = consumer;
        this.assignment = assignment;
        this.interval = interval;
        this.recovery = recovery;
    }

    @Override
    public void send(PendingRecord pending, ProducerRecord<byte[], byte[]> record) {
        if (!producer.begin()) {
            log.debug("No transactional producer for the outcome of {}; it will be served again", pending.where());
            recovery.rewind();
            return;
        }
        producer.send(record);
        inTransaction.add(pending);
    }

    /** The record's offset commits with the next transaction. */
    @Override
    public void skip(PendingRecord pending) {
        if (producer.begin()) {
            inTransaction.add(pending);
        } else {
            recovery.rewind();
        }
    }

    @Override
    public void sendBestEffort(ProducerRecord<byte[], byte[]> record) {
        if (producer.begin()) {
            producer.send(record);
        }
    }

    /** Nothing waits for an acknowledgement: a record in the open transaction is durable when it commits. */
    @Override
    public int pendingIn(Collection<TopicPartition> partitions) {
        return 0;
    }

    @Override
    public void commit(boolean now) {
        if (!producer.open() || (!now && !producer.due(interval))) {
            return;
        }
        try {
            if (inTransaction.stream().anyMatch(pending -> !assignment.owns(pending))) {
                // outcomes of partitions that are no longer ours must not commit: their next owner serves them
                throw new KafkaException("the transaction holds outcomes of partitions this worker no longer owns");
            }
            for (PendingRecord pending : inTransaction) {
                assignment.tracker(pending.partition()).finished(pending.offset());
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = assignment.committable(assignment.partitions());
            producer.commit(offsets, consumer.groupMetadata());
            assignment.committed(offsets);
        } catch (KafkaException e) {
            failed(e);
        } finally {
            inTransaction.clear();
        }
    }

    /** Lost partitions: if the open transaction holds any of their outcomes, it must not commit. */
    @Override
    public void abandon(Collection<TopicPartition> partitions) {
        Set<TopicPartition> lost = Set.copyOf(partitions);
        if (producer.open() && inTransaction.stream().anyMatch(pending -> lost.contains(pending.partition()))) {
            log.warn("Aborting the open transaction: it holds outcomes of the lost partitions {}", lost);
            producer.abort();
            inTransaction.clear();
            recovery.rewind();
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    private void failed(KafkaException e) {
        if (e instanceof FencedInstanceIdException || e instanceof AuthenticationException
                || e instanceof AuthorizationException || e instanceof UnsupportedVersionException) {
            recovery.fatal("the transaction cannot commit: " + e, e);
            return;
        }
        if (e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException) {
            if (producer.fenced()) {
                recovery.fatal("this worker's transactional id was fenced " + TransactionalProducer.MAX_FENCES
                        + " times within " + TransactionalProducer.FENCE_WINDOW.toMinutes() + " minutes; another worker "
                        + "uses the same id (worker ids must be unique within a group)", e);
                return;
            }
            log.warn("The transactional producer was fenced ({}); replacing it and serving the transaction's "
                    + "requests again", e.toString());
        } else {
            log.warn("Transaction failed ({}{}); aborting it and serving its requests again", e.toString(),
                    e.getCause() == null ? "" : ", caused by " + e.getCause());
            producer.abort();
        }
        recovery.rewind();
    }
}
