package dev.dmap.worker.loop;

import dev.dmap.worker.delivery.PendingRecord;
import dev.dmap.worker.pipeline.Outcome;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What other threads tell the poll loop; it handles them in order on its own thread. */
sealed interface LoopEvent {

    /**
     * A worker thread finished serving a record, which held a slot for {@code served}; {@code trace}
     * is the trace context to put on its outcome record.
     */
    record Processed(PendingRecord pending, Outcome outcome, java.time.Duration served, java.util.Map<String, String> trace)
            implements LoopEvent {
    }

    /** At-least-once: the broker acknowledged a record's terminal record. */
    record Acknowledged(PendingRecord pending) implements LoopEvent {
    }

    /** At-least-once: the producer gave up on a terminal record; it is sent again. */
    record PublishFailed(PendingRecord pending, ProducerRecord<byte[], byte[]> record, Exception error) implements LoopEvent {
    }
}
