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
     * A record that is not a valid request. The original travels as JSON when it parsed, else
     * in base64; identifying fields are taken from the JSON when they are there.
     */
    public DeadLetter forInvalid(byte[] value, JsonNode parsed, ErrorCode code, String message, Source source, Instant at) {
        String customId = textAt(parsed, "/custom_id");
        String batchId = textAt(parsed, "/batch_id");
        String requestId = textAt(parsed, "/id");
        if (requestId == null && customId != null) {
            requestId = Request.defaultId(batchId, customId);
        }
        String lineId = OutputIds.forRequest(requestId != null ? requestId : source.toString());
        String original64 = parsed == null && value != null ? Base64.getEncoder().encodeToString(value) : null;
        return new DeadLetter(lineId, customId, null, ErrorInfo.of(code, message), Request.SCHEMA_VERSION, requestId,
                batchId, textAt(parsed, "/body/model"), workerId, 0, at, source, parsed, original64);
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
