package dev.dmap.worker.delivery;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * At-least-once: what the producer's callbacks report, from the producer's I/O thread. The poll
 * loop queues them and hands them back to {@link Delivery#acknowledged} and {@link Delivery#failed}
 * on its own thread.
 */
public interface Acknowledgements {
    /** The broker acknowledged the terminal record of {@code pending}. */
    void acknowledged(PendingRecord pending);

    /** The producer gave up on the terminal record of {@code pending}; it is sent again. */
    void failed(PendingRecord pending, ProducerRecord<byte[], byte[]> record, Exception error);
}
