package dev.dmap.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param cache         set when the answer came from the response cache ({@link CacheHit}), else null
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
        Instant completedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) CacheHit cache) {

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

    /** A result computed by a backend call. */
    public Result(String id, String customId, Response response, ErrorInfo error, int schemaVersion, String requestId,
            String batchId, String model, String worker, int attempts, Timing timing, Instant completedAt) {
        this(id, customId, response, error, schemaVersion, requestId, batchId, model, worker, attempts, timing,
                completedAt, null);
    }

    /** Whether the answer came from the response cache. */
    public boolean cacheHit() {
        return cache != null && cache.hit();
    }

    /** The answer of a stored entry for {@code request}: no backend call, its usage counted as saved. */
    public static Result hit(Request request, CacheEntry entry, String worker, Timing timing, Instant completedAt) {
        Response response = new Response(entry.statusCode(), entry.body().path("id").asString(entry.requestId()),
                entry.body());
        return new Result(OutputIds.forRequest(request.id()), request.customId(), response, null, Request.SCHEMA_VERSION,
                request.id(), request.batchId(), request.model(), worker, 0, timing, completedAt, CacheHit.of(entry));
    }

    public static Result of(Request request, Response response, String worker, int attempts, Timing timing,
            Instant completedAt) {
        return new Result(OutputIds.forRequest(request.id()), request.customId(), response, null,
                Request.SCHEMA_VERSION, request.id(), request.batchId(), request.model(), worker, attempts, timing,
                completedAt);
    }
}
