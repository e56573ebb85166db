package dev.dmap.worker.loop;

import dev.dmap.worker.delivery.Assignment;
import dev.dmap.worker.delivery.Delivery;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the poll loop goes on, and the two ways delivery may ask it to recover: serve the
 * owned partitions again from their commits (a rewind), or stop because the worker cannot go on
 * (one ERROR line; {@link #failure} says why, for the process to exit on).
 */
final class LoopControl implements Delivery.Recovery {
    private static final Logger log = LoggerFactory.getLogger(LoopControl.class);

    private final Assignment assignment;
    private final Dispatcher dispatcher;
    private volatile boolean running = true;
    private volatile String failure;

    LoopControl(Assignment assignment, Dispatcher dispatcher) {
        this.assignment = assignment;
        this.dispatcher = dispatcher;
    }

    /** What was not durable is dropped: every owned partition is served again from its commit. */
    @Override
    public void rewind() {
        Set<TopicPartition> owned = Set.copyOf(assignment.partitions());
        dispatcher.forget(owned);
        assignment.restart(owned);
    }

    @Override
    public void fatal(String why, Throwable cause) {
        if (failure == null) {
            log.error("The worker cannot go on and stops: {}", why, cause);
            failure = why;
        }
        running = false;
        dispatcher.stop();
    }

    /** Asks the loop to stop after a graceful drain. */
    void stop() {
        running = false;
    }

    boolean running() {
        return running;
    }

    /** Why the loop stopped on its own, or null while it runs or when it was asked to stop. */
    String failure() {
        return failure;
    }
}
