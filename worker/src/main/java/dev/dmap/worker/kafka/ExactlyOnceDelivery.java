package dev.dmap.worker.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
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
final class ExactlyOnceDelivery implements Delivery {
    private static final Logger log = LoggerFactory.getLogger(ExactlyOnceDelivery.class);
    /** A producer is recreated at most this often while the broker does not answer. */
    private static final Duration RECREATE_BACKOFF = Duration.ofSeconds(2);
    /** This many fences within {@link #FENCE_WINDOW} mean another live worker uses the same transactional id. */
    private static final int MAX_FENCES = 3;
    private static final Duration FENCE_WINDOW = Duration.ofMinutes(10);

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final Consumer<byte[], byte[]> consumer;
    private final Assignment assignment;
    private final Duration interval;
    private final Clock clock;
    private final Recovery recovery;
    private final List<PendingRecord> inTransaction = new ArrayList<>();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final Deque<Instant> fences = new ArrayDeque<>();
    private Producer<byte[], byte[]> producer;
    private Instant lastCreateAttempt = Instant.EPOCH;
    private boolean open;
    private Instant openedAt = Instant.EPOCH;

    ExactlyOnceDelivery(Supplier<Producer<byte[], byte[]>> producers, Consumer<byte[], byte[]> consumer,
            Assignment assignment, Duration interval, Clock clock, Recovery recovery) {
        this.producers = producers;
        this.consumer = consumer;
        this.assignment = assignment;
        this.interval = interval;
        this.clock = clock;
        this.recovery = recovery;
        this.producer = producers.get();
        producer.initTransactions(); // at start a broker that does not answer is an error the caller sees
    }

    @Override
    public void send(PendingRecord pending, ProducerRecord<byte[], byte[]> record) {
        if (!beginIfNeeded()) {
            log.debug("No transactional producer for the outcome of {}; it will be served again", pending.where());
            recovery.rewind();
            return;
        }
        producer.send(record, this::onSent);
        inTransaction.add(pending);
    }

    /** The record's offset commits with the next transaction. */
    @Override
    public void skip(PendingRecord pending) {
        if (beginIfNeeded()) {
            inTransaction.add(pending);
        } else {
            recovery.rewind();
        }
    }

    @Override
    public void sendBestEffort(ProducerRecord<byte[], byte[]> record) {
        if (beginIfNeeded()) {
            producer.send(record, this::onSent);
        }
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
            if (inTransaction.stream().anyMatch(pending -> !assignment.owns(pending))) {
                // outcomes of partitions that are no longer ours must not commit: their next owner serves them
                throw new KafkaException("the transaction holds outcomes of partitions this worker no longer owns");
            }
            for (PendingRecord pending : inTransaction) {
                assignment.tracker(pending.partition()).finished(pending.offset());
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = assignment.committable(assignment.partitions());
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            }
            producer.commitTransaction();
            assignment.committed(offsets);
            open = false;
        } catch (KafkaException e) {
            failed(e);
        } finally {
            inTransaction.clear();
            sendFailure.set(null);
        }
    }

    /** Lost partitions: if the open transaction holds any of their outcomes, it must not commit. */
    @Override
    public void abandon(Collection<TopicPartition> partitions) {
        Set<TopicPartition> lost = Set.copyOf(partitions);
        if (open && inTransaction.stream().anyMatch(pending -> lost.contains(pending.partition()))) {
            log.warn("Aborting the open transaction: it holds outcomes of the lost partitions {}", lost);
            abort();
            inTransaction.clear();
            sendFailure.set(null);
            recovery.rewind();
        }
    }

    @Override
    public void close() {
        if (producer == null) {
            return;
        }
        if (open) {
            abort();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }

    private void onSent(Object metadata, Exception error) {
        if (error != null) {
            sendFailure.compareAndSet(null, error);
        }
    }

    private void failed(KafkaException e) {
        open = false;
        if (e instanceof FencedInstanceIdException || e instanceof AuthenticationException
                || e instanceof AuthorizationException || e instanceof UnsupportedVersionException) {
            recovery.fatal("the transaction cannot commit: " + e, e);
            return;
        }
        if (e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException) {
            // the coordinator bumped this producer's epoch: it timed the transaction out while the
            // broker was away, or another worker with the same id started
            discardProducer();
            if (fencedTooOften()) {
                recovery.fatal("this worker's transactional id was fenced " + MAX_FENCES + " times within "
                        + FENCE_WINDOW.toMinutes() + " minutes; another worker uses the same id (worker ids must be "
                        + "unique within a group)", e);
                return;
            }
            log.warn("The transactional producer was fenced ({}); replacing it and serving the transaction's "
                    + "requests again", e.toString());
        } else {
            log.warn("Transaction failed ({}); aborting it and serving its requests again", e.toString());
            abort();
        }
        recovery.rewind();
    }

    private boolean fencedTooOften() {
        Instant now = clock.instant();
        fences.addLast(now);
        while (!fences.isEmpty() && fences.peekFirst().isBefore(now.minus(FENCE_WINDOW))) {
            fences.removeFirst();
        }
        return fences.size() >= MAX_FENCES;
    }

    /** Opens a transaction unless one is open; false when no producer can be had right now. */
    private boolean beginIfNeeded() {
        if (open) {
            return true;
        }
        if (producer == null && !recreateProducer()) {
            return false;
        }
        try {
            producer.beginTransaction();
        } catch (KafkaException e) {
            log.warn("Cannot begin a transaction ({}); replacing the producer", e.toString());
            discardProducer();
            return false;
        }
        open = true;
        openedAt = clock.instant();
        return true;
    }

    private boolean recreateProducer() {
        Instant now = clock.instant();
        if (now.isBefore(lastCreateAttempt.plus(RECREATE_BACKOFF))) {
            return false;
        }
        lastCreateAttempt = now;
        Producer<byte[], byte[]> fresh = producers.get();
        try {
            fresh.initTransactions();
        } catch (KafkaException e) {
            log.warn("Cannot start a transactional producer yet ({}); trying again", e.toString());
            fresh.close(Duration.ZERO);
            return false;
        }
        log.info("A new transactional producer is ready");
        producer = fresh;
        return true;
    }

    private void abort() {
        open = false;
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException e) {
            log.warn("Aborting the transaction failed too ({}); replacing the producer", e.toString());
            discardProducer();
        }
    }

    private void discardProducer() {
        open = false;
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (KafkaException e) {
                log.debug("Closing the discarded producer: {}", e.toString());
            }
            producer = null;
        }
    }
}
