package dev.dmap.worker.scheduling;

import java.time.Duration;
import java.time.Instant;

/**
 * When each request must be served by: its own {@code deadline}, else its batch's completion
 * window counted from the batch's submission, else the online bound counted from when it was
 * submitted (a request from kcat or another plain producer). The scheduler swaps models by these
 * deadlines, not by how long a request has waited.
 *
 * @param onlineBound the wait a request without a window or deadline may expect at most
 *                    ({@code dmap.scheduling.max-wait})
 * @param batchWindow the completion window of a batch submitted without one
 *                    ({@code dmap.scheduling.batch-window}, 24 h as OpenAI's Batch API)
 */
public record Deadlines(Duration onlineBound, Duration batchWindow) {

    /**
     * @param own          the request's own deadline (a submit's --completion-window sets it), or null
     * @param batched      whether the request belongs to a batch
     * @param waitingSince when it was submitted (or fetched, without a submit time)
     */
    public Instant of(Instant own, boolean batched, Instant waitingSince) {
        if (own != null) {
            return own;
        }
        return waitingSince.plus(batched ? batchWindow : onlineBound);
    }
}
