package dev.dmap.worker.batches;

import java.time.Instant;

/**
 * How one request's terminal record changes its batch's counts. A request counts once: its
 * first outcome moves it from nothing to completed or failed; a replay that succeeds moves it
 * from failed to completed; a duplicate changes nothing and is not emitted.
 *
 * @param batchId          the batch
 * @param model            the request's model
 * @param from             {@code null} (first outcome), {@code completed} or {@code failed}
 * @param fromCode         the error code it had, when {@code from} is failed
 * @param to               {@code completed} or {@code failed}
 * @param toCode           the error code, when {@code to} is failed
 * @param promptTokens     usage of a result, else 0
 * @param completionTokens usage of a result, else 0
 * @param at               when the outcome happened
 * @param cached           whether the result came from the response cache (its tokens were saved, not computed)
 */
public record OutcomeDelta(String batchId, String model, String from, String fromCode, String to, String toCode,
        long promptTokens, long completionTokens, Instant at, boolean cached) {
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
}
