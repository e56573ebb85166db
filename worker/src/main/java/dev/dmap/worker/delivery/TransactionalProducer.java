package dev.dmap.worker.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional producer of {@link ExactlyOnceDelivery}, and its life: one transaction open at
 * a time, a failed send remembered until the commit, and a producer that cannot begin, abort or
 * was fenced replaced by a new one with the same transactional id (at most every
 * {@link #RECREATE_BACKOFF} while the broker does not answer). Counts fences, so that another live
 * worker with the same id can be told from a broker outage. Used by the poll thread only.
 */
final class TransactionalProducer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionalProducer.class);
    /** A producer is recreated at most this often while the broker does not answer. */
    static final Duration RECREATE_BACKOFF = Duration.ofSeconds(2);
    /** This many fences within {@link #FENCE_WINDOW} mean another live worker uses the same transactional id. */
    static final int MAX_FENCES = 3;
    static final Duration FENCE_WINDOW = Duration.ofMinutes(10);

    private final Supplier<Producer<byte[], byte[]>> producers;
    private final Clock clock;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    /**
     * The transaction records are sent in: a send's failure counts against its own transaction only.
     * Aborting fails the aborted transaction's unsent records (TransactionAbortedException) on the
     * producer's thread, possibly after the next transaction began; counted against that one, each
     * abort made the next transaction fail too, over and over while records were in flight (the
     * intermittent missing outcome: 53 failed transactions in a row in BackendFaultsIT).
     */
    private final java.util.concurrent.atomic.AtomicLong transaction = new java.util.concurrent.atomic.AtomicLong();
    private final Deque<Instant> fences = new ArrayDeque<>();
    private Producer<byte[], byte[]> producer;
    private Instant lastCreateAttempt = Instant.EPOCH;
    private boolean open;
    private Instant openedAt = Instant.EPOCH;

    /** Starts the first producer; at start a broker that does not answer is an error the caller sees. */
    TransactionalProducer(Supplier<Producer<byte[], byte[]>> producers, Clock clock) {
        this.producers = producers;
        this.clock = clock;
        this.producer = producers.get();
        producer.initTransactions();
    }

    /** Opens a transaction unless one is open; false when no producer can be had right now. */
    boolean begin() {
        if (open) {
            return true;
        }
        if (producer == null && !recreate()) {
            return false;
        }
        try {
            producer.beginTransaction();
        } catch (KafkaException e) {
            log.warn("Cannot begin a transaction ({}); replacing the producer", e.toString());
            discard();
            return false;
        }
        transaction.incrementAndGet();
        sendFailure.set(null);
        open = true;
        openedAt = clock.instant();
        return true;
    }

    /** Sends a record in the open transaction; a failure shows at {@link #commit}. */
    void send(ProducerRecord<byte[], byte[]> record) {
        long sentIn = transaction.get();
        producer.send(record, (metadata, error) -> {
            if (error != null && sentIn == transaction.get()) {
                sendFailure.compareAndSet(null, error);
            }
        });
    }

    boolean open() {
        return open;
    }

    /** Whether the open transaction has been open for {@code interval}. */
    boolean due(Duration interval) {
        return open && !clock.instant().isBefore(openedAt.plus(interval));
    }

    /** Commits the open transaction with these offsets; throws when it, or a record sent in it, failed. */
    void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        try {
            Exception failed = sendFailure.getAndSet(null);
            if (failed != null) {
                throw new KafkaException("a record of the transaction failed", failed);
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, group);
            }
            producer.commitTransaction();
        } finally {
            open = false;
        }
    }

    /** Aborts the open transaction; a producer that cannot abort is replaced. */
    void abort() {
        open = false;
        transaction.incrementAndGet(); // the aborted transaction's records fail now: none of that counts any more
        sendFailure.set(null);
        try {
            producer.abortTransaction();
        } catch (KafkaException | IllegalStateException e) {
            log.warn("Aborting the transaction failed too ({}); replacing the producer", e.toString());
            discard();
        }
    }

    /**
     * The coordinator bumped this producer's epoch (it timed the transaction out while the broker
     * was away, or another worker with the same id started): the producer is replaced. True when
     * that happened {@link #MAX_FENCES} times within {@link #FENCE_WINDOW}.
     */
    boolean fenced() {
        discard();
        Instant now = clock.instant();
        fences.addLast(now);
        while (!fences.isEmpty() && fences.peekFirst().isBefore(now.minus(FENCE_WINDOW))) {
            fences.removeFirst();
        }
        return fences.size() >= MAX_FENCES;
    }

    @Override
    public void close() {
        if (open) {
            abort();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
    }

    private int failedStarts;

    private boolean recreate() {
        Instant now = clock.instant();
        if (now.isBefore(lastCreateAttempt.plus(RECREATE_BACKOFF))) {
            return false;
        }
        lastCreateAttempt = now;
        Producer<byte[], byte[]> fresh = producers.get();
        try {
            fresh.initTransactions();
        } catch (KafkaException e) {
            if (failedStarts++ == 0) { // once per outage: the broker watch says how it goes on
                log.warn("Cannot start a transactional producer yet ({}); trying again every {} s", e.toString(),
                        RECREATE_BACKOFF.toSeconds());
            } else {
                log.debug("Cannot start a transactional producer yet ({}); trying again", e.toString());
            }
            fresh.close(Duration.ZERO);
            return false;
        }
        log.info("A new transactional producer is ready{}", failedStarts > 0 ? " after " + (failedStarts + 1) + " tries" : "");
        failedStarts = 0;
        producer = fresh;
        return true;
    }

    private void discard() {
        open = false;
        sendFailure.set(null);
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
