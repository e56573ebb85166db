package dev.dmap.schemas;

import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * Dead letter v1 (dead-letter-v1.schema.json): a failed request, as an OpenAI Batch error line
 * plus dmap fields and the original record.
 *
 * @param id             error line id, {@code batch_req_<hex>}
 * @param customId       the caller's id, or null when the original could not be decoded
 * @param response       the backend's error answer, or null when there was none
 * @param error          why it failed
 * @param schemaVersion  1
 * @param requestId      dmap request id, or null when undecodable
 * @param batchId        batch id, or null
 * @param model          exact model id, or null when undecodable
 * @param worker         id of the worker that gave up on it
 * @param attempts       backend calls made (0 when it failed before any call)
 * @param failedAt       when the worker gave up
 * @param source         where the original was read
 * @param original       the original request as JSON, when it parsed; else null
 * @param originalBase64 the original record value in base64, when it was not JSON; else null
 */
public record DeadLetter(
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
        Instant failedAt,
        Source source,
        JsonNode original,
        String originalBase64) {

    public DeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(failedAt, "failed_at");
        Objects.requireNonNull(source, "source");
    }

    /** The error code as an enum. */
    public ErrorCode errorCode() {
        return ErrorCode.fromCode(error.code());
    }
}
