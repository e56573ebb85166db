package dev.dmap.worker.delivery;

import java.util.Collection;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * How terminal records and consumed offsets reach Kafka: {@link AtLeastOnceDelivery} or
 * {@link ExactlyOnceDelivery}. Used by the poll thread only.
 */
public interface Delivery extends AutoCloseable {

    /** What the poll loop does when delivery fails. */
    interface Recovery {
        /** What was not durable is dropped: serve every owned partition again from its commit. */
        void rewind();

        /** This worker cannot go on (another instance with its id, no authorisation): it must stop. */
        void fatal(String why, Throwable cause);
    }

    /** Sends a fetched record's terminal record; its offset is finished once the record is durable. */
    void send(PendingRecord pending, ProducerRecord<byte[], byte[]> record);

    /** Finishes a fetched record that needs no terminal record (a duplicate of an ended batch). */
    void skip(PendingRecord pending);

    /** Sends a record whose loss costs nothing (the worker's status). */
    void sendBestEffort(ProducerRecord<byte[], byte[]> record);

    /** Terminal records of these partitions sent but not yet durable. */
    int pendingIn(Collection<TopicPartition> partitions);

    /** Makes finished work durable: offsets (and the open transaction). When due, or now. */
    void commit(boolean now);

    /** The partitions were lost without a hand-over: nothing of theirs may become durable now. */
    default void abandon(Collection<TopicPartition> partitions) {
    }

    /** At-least-once: the broker acknowledged a terminal record. */
    default void acknowledged(PendingRecord pending) {
    }

    /** At-least-once: the producer gave up on a terminal record; it will be sent again. */
    default void failed(PendingRecord pending) {
    }

    @Override
    void close();
}
