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
 * @param original       the original record value as JSON, when it parsed as a JSON object; else
 *                       null. Never another JSON type: the schema allows only an object here.
 * @param originalBase64 the original record value's exact bytes in base64, whenever
 *                       {@code original} is null and the record had a value: JSON of another type
 *                       ({@code [1,2]}, {@code "s"}, {@code 42}, {@code null}), bytes that are not
 *                       JSON or not UTF-8, an empty value ({@code ""}). Null when {@code original}
 *                       is set, when the record had no value, and for {@code payload_too_large}
 *                       (the value was over the size limit, so it is not carried)
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
