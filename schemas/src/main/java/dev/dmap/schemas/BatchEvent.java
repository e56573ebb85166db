package dev.dmap.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * Batch event v1 (batch-event-v1.schema.json): a batch ended. Emitted once per batch.
 *
 * @param type          {@code batch.completed}, {@code batch.expired} or {@code batch.cancelled}
 * @param batchId       the batch
 * @param status        its final status
 * @param outcome       {@code succeeded}, {@code partially_failed} or {@code all_failed}
 * @param requestCounts its final counts
 * @param at            when it ended
 * @param schemaVersion 1
 */
public record BatchEvent(String type, String batchId, String status, String outcome, RequestCounts requestCounts,
        Instant at, int schemaVersion) {

    public BatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(batchId, "batch_id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(requestCounts, "request_counts");
        Objects.requireNonNull(at, "at");
    }

    public static BatchEvent of(BatchState state, Instant at) {
        return new BatchEvent("batch." + state.status(), state.batchId(), state.status(), state.outcome(),
                state.requestCounts(), at, 1);
    }
}
