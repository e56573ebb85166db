package dev.dmap.worker.pipeline;

import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.ErrorInfo;
import dev.dmap.schemas.OutputIds;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.Response;
import dev.dmap.schemas.Source;
import dev.dmap.worker.backend.HttpReply;
import java.time.Instant;
import java.util.Base64;
import tools.jackson.databind.JsonNode;

/** Builds dead letters, for requests that decoded and for records that did not. */
public final class DeadLetters {
    private final String workerId;

    public DeadLetters(String workerId) {
        this.workerId = workerId;
    }

    /** A decoded request that failed. */
    public DeadLetter forRequest(Work work, ErrorCode code, String message, HttpReply reply, int attempts, Instant at) {
        Request request = work.request();
        return new DeadLetter(OutputIds.forRequest(request.id()), request.customId(), upstream(reply),
                ErrorInfo.of(code, message), Request.SCHEMA_VERSION, request.id(), request.batchId(), request.model(),
                workerId, attempts, at, work.source(), work.original(), null);
    }

    /**
     * A record that is not a valid request. The original travels as JSON when it parsed as a JSON
     * object, else as its exact bytes in base64 (see {@link #originalBase64}); identifying fields
     * are taken from the object when they are there.
     *
     * @param value  the record value as it arrived; null for a record without one
     * @param parsed the value as JSON when it parsed (of any JSON type), else null
     */
    public DeadLetter forInvalid(byte[] value, JsonNode parsed, ErrorCode code, String message, Source source, Instant at) {
        JsonNode original = parsed != null && parsed.isObject() ? parsed : null;
        String customId = textAt(original, "/custom_id");
        String batchId = textAt(original, "/batch_id");
        String requestId = textAt(original, "/id");
        if (requestId == null && customId != null) {
            requestId = Request.defaultId(batchId, customId);
        }
        String lineId = OutputIds.forRequest(requestId != null ? requestId : source.toString());
        return new DeadLetter(lineId, customId, null, ErrorInfo.of(code, message), Request.SCHEMA_VERSION, requestId,
                batchId, textAt(original, "/body/model"), workerId, 0, at, source, original,
                originalBase64(value, original, code));
    }

    /**
     * The dead-letter schema's {@code original} holds objects only. Every other value that arrived
     * (JSON of another type, bytes that are not JSON or not UTF-8, an empty value) is kept exactly,
     * in base64, so that nothing about it is lost and the dead letter stays schema-valid. Nothing is
     * kept for a record without a value, nor for one over the size limit ({@code payload_too_large}):
     * its base64, a third larger than a value already too large, would not fit the dead-letter topic.
     */
    private static String originalBase64(byte[] value, JsonNode original, ErrorCode code) {
        if (original != null || value == null || code == ErrorCode.PAYLOAD_TOO_LARGE) {
            return null;
        }
        return Base64.getEncoder().encodeToString(value);
    }

    private static Response upstream(HttpReply reply) {
        return reply == null ? null : new Response(reply.statusCode(), null, reply.json());
    }

    private static String textAt(JsonNode tree, String pointer) {
        if (tree == null) {
            return null;
        }
        JsonNode node = tree.at(pointer);
        return node.isString() ? node.asString() : null;
    }
}
