package dev.dmap.worker.loop;

import dev.dmap.worker.delivery.Acknowledgements;
import dev.dmap.worker.delivery.Assignment;
import dev.dmap.worker.delivery.Delivery;
import dev.dmap.worker.delivery.PendingRecord;
import dev.dmap.worker.pipeline.Outcome;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What other threads tell the poll loop ({@link LoopEvent}s), queued from any thread and handled
 * in order on the poll thread: an outcome is published unless its partition changed hands, a
 * deferred request goes back to the queue, and at-least-once acknowledgements and failed sends
 * reach the delivery.
 */
final class LoopEvents {
    private static final Logger log = LoggerFactory.getLogger(LoopEvents.class);

    private final Queue<LoopEvent> queue;
    private final Assignment assignment;
    private final Dispatcher dispatcher;
    private final Delivery delivery;
    private final OutcomePublisher publisher;

    LoopEvents(Queue<LoopEvent> queue, Assignment assignment, Dispatcher dispatcher, Delivery delivery,
            OutcomePublisher publisher) {
        this.queue = queue;
        this.assignment = assignment;
        this.dispatcher = dispatcher;
        this.delivery = delivery;
        this.publisher = publisher;
    }

    /** The queue other threads add to. */
    static Queue<LoopEvent> queue() {
        return new ConcurrentLinkedQueue<>();
    }

    /** At-least-once acknowledgements, queued as events for the poll thread. */
    static Acknowledgements acknowledgements(Queue<LoopEvent> queue) {
        return new Acknowledgements() {
            @Override
            public void acknowledged(PendingRecord pending) {
                queue.add(new LoopEvent.Acknowledged(pending));
            }

            @Override
            public void failed(PendingRecord pending, ProducerRecord<byte[], byte[]> record, Exception error) {
                queue.add(new LoopEvent.PublishFailed(pending, record, error));
            }
        };
    }

    /** Whether an event waits to be handled. */
    boolean pending() {
        return !queue.isEmpty();
    }

    /** Handles every event queued so far. */
    void handle() {
        for (LoopEvent event = queue.poll(); event != null; event = queue.poll()) {
            if (event instanceof LoopEvent.Processed processed) {
                processed(processed);
            } else if (event instanceof LoopEvent.Acknowledged acknowledged) {
                delivery.acknowledged(acknowledged.pending());
            } else if (event instanceof LoopEvent.PublishFailed failed) {
                publishAgain(failed);
            }
        }
    }

    private void processed(LoopEvent.Processed processed) {
        PendingRecord pending = processed.pending();
        if (!assignment.owns(pending)) {
            log.debug("Dropping the outcome of {}: the partition was reassigned", pending.where());
        } else if (processed.outcome() instanceof Outcome.Deferred) {
            dispatcher.enqueue(pending); // served once the backend answers again
        } else if (processed.outcome() instanceof Outcome.Interrupted) {
            log.debug("{} was interrupted by the stop; its next owner serves it", pending.where());
        } else {
            publisher.publish(pending, processed.outcome(), processed.served(), processed.trace());
        }
    }

    private void publishAgain(LoopEvent.PublishFailed failed) {
        delivery.failed(failed.pending());
        if (assignment.owns(failed.pending())) {
            log.warn("Publishing the outcome of {} failed ({}); sending it again", failed.pending().where(),
                    failed.error().toString());
            delivery.send(failed.pending(), failed.record());
        }
    }
}
