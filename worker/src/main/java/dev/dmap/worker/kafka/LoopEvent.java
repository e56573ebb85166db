package dev.dmap.worker.kafka;

import dev.dmap.worker.pipeline.Outcome;

/** What other threads tell the poll loop; it handles them in order on its own thread. */
sealed interface LoopEvent {

    /** A worker thread finished serving a record. */
    record Processed(PendingRecord pending, Outcome outcome) implements LoopEvent {
    }

    /** The broker acknowledged a record's terminal record. */
    record Acknowledged(PendingRecord pending) implements LoopEvent {
    }

    /** The producer gave up on a terminal record; it is sent again. */
    record PublishFailed(PendingRecord pending, Outcome outcome, Exception error) implements LoopEvent {
    }

    /** The backend answers again after being down. */
    record BackendUp() implements LoopEvent {
    }
}
