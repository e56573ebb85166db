package dev.dmap.client;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.BatchStatus;
import java.time.Clock;

/** Cancels batches: workers stop serving a cancelled batch within seconds; its remaining requests end as batch_cancelled. */
public final class Cancellation {
    private final KafkaConnection kafka;
    private final Clock clock;

    public Cancellation(KafkaConnection kafka, Clock clock) {
        this.kafka = kafka;
        this.clock = clock;
    }

    /** What a cancel did. */
    public sealed interface Outcome {
        /** The cancel command is published. */
        record Requested() implements Outcome {
        }

        /** The batch had ended: nothing to cancel. */
        record AlreadyEnded(BatchState state) implements Outcome {
        }

        /** The batch was being cancelled already. */
        record AlreadyCancelling(BatchState state) implements Outcome {
        }
    }

    /**
     * Cancels the batch unless it has ended or is being cancelled.
     *
     * @throws ClientException.BatchNotFound when no batch with this id was ever submitted
     */
    public Outcome cancel(String batchId) {
        kafka.requireReachable();
        BatchIds.require(batchId);
        BatchHistory history = new BatchHistory(kafka);
        if (history.created(batchId).isEmpty()) {
            throw new ClientException.BatchNotFound(batchId, "no batch \"" + batchId + "\"");
        }
        BatchState state = history.state(batchId).orElse(null);
        if (state != null && state.ended()) {
            return new Outcome.AlreadyEnded(state);
        }
        if (state != null && state.batchStatus() == BatchStatus.CANCELLING) {
            return new Outcome.AlreadyCancelling(state);
        }
        request(batchId);
        return new Outcome.Requested();
    }

    /** Publishes the batch's cancel command, without checking the batch (the caller has). */
    public void request(String batchId) {
        new Submitter(kafka, clock).command(BatchCommand.cancel(batchId, clock.instant()));
    }
}
