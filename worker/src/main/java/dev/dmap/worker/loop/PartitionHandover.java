package dev.dmap.worker.loop;

import dev.dmap.worker.delivery.Assignment;
import dev.dmap.worker.delivery.Delivery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rebalance callbacks. Revoked partitions are handed over cleanly: waiting records are
 * dropped, requests in flight are finished and their outcomes made durable (up to the shutdown
 * timeout), and the partitions' offsets are committed, so the next owner neither repeats nor
 * loses them. Lost partitions (no hand-over possible) are abandoned: nothing of theirs may become
 * durable now. Runs on the poll thread, inside {@code poll}.
 */
final class PartitionHandover implements ConsumerRebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(PartitionHandover.class);

    private final Assignment assignment;
    private final Dispatcher dispatcher;
    private final Delivery delivery;
    private final LoopEvents events;
    private final Duration timeout;
    private final Clock clock;

    PartitionHandover(Assignment assignment, Dispatcher dispatcher, Delivery delivery, LoopEvents events, Duration timeout,
            Clock clock) {
        this.assignment = assignment;
        this.dispatcher = dispatcher;
        this.delivery = delivery;
        this.events = events;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        assignment.assigned(partitions);
        if (!partitions.isEmpty()) {
            log.info("Assigned {}", partitions);
            // positioned and fetching within this poll, however long it waits: the loop's next
            // round pauses again what it must (the backend down, a model not served)
            assignment.positionAndResume(PollLoop.POSITION_TIMEOUT);
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        dispatcher.forget(partitions);
        awaitSettled(partitions, clock.instant().plus(timeout));
        try {
            delivery.commit(true);
        } catch (KafkaException e) {
            log.warn("Could not commit {} on revocation: {}", partitions, e.toString());
        }
        assignment.forget(partitions);
        log.info("Revoked {}", partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        dispatcher.forget(partitions);
        delivery.abandon(partitions);
        assignment.forget(partitions);
        log.warn("Lost {} without a clean hand-over; their unfinished records will be served again", partitions);
    }

    private void awaitSettled(Collection<TopicPartition> partitions, Instant deadline) {
        while ((dispatcher.inFlightIn(partitions) > 0 || delivery.pendingIn(partitions) > 0)
                && clock.instant().isBefore(deadline)) {
            events.handle();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        events.handle();
    }
}
