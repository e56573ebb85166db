package dev.dmap.schemas;

import java.time.Instant;
import java.util.Objects;

/**
 * Result v1 (result-v1.schema.json): a succeeded request, as an OpenAI Batch output line plus
 * dmap fields.
 *
 * @param id            output line id, {@code batch_req_<hex>}, derived from the request id
 * @param customId      the caller's id
 * @param response      the backend's answer
 * @param error         always null on a result; present so the line has OpenAI's shape
 * @param schemaVersion 1
 * @param requestId     dmap request id
 * @param batchId       batch id, or null
 * @param model         exact model id requested
 * @param worker        id of the worker that served it
 * @param attempts      backend calls made, retries included (at least 1)
 * @param timing        where the time went
 * @param completedAt   when the worker finished it
 */
public record Result(
        String id,
        String customId,
        Response response,
        ErrorInfo error,
        int schemaVersion,
        String requestId,
        String batchId,
        String model,
        String worker,
        int attempts,
        Timing timing,
        Instant completedAt) {

    public Result {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(customId, "custom_id");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(requestId, "request_id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(completedAt, "completed_at");
    }

    public static Result of(Request request, Response response, String worker, int attempts, Timing timing,
            Instant completedAt) {
        return new Result(OutputIds.forRequest(request.id()), request.customId(), response, null,
                Request.SCHEMA_VERSION, request.id(), request.batchId(), request.model(), worker, attempts, timing,
                completedAt);
    }
}
