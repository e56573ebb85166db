package dev.dmap.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Request v1 (request-v1.schema.json): an OpenAI Batch input line plus dmap fields, with the
 * defaults applied. Build one from the wire with {@link RequestDecoder}.
 *
 * @param customId      the caller's id, unique within a batch
 * @param method        HTTP method, always {@code POST}
 * @param url           backend endpoint path, e.g. {@code /v1/chat/completions}
 * @param body          the endpoint body, passed to the backend unchanged; {@code body.model} is the model
 * @param schemaVersion message format version, 1
 * @param id            dmap request id: {@code <batchId>:<customId>}, or {@code customId} without a batch
 * @param batchId       batch id, or null
 * @param submittedAt   when the producer published it, or null
 * @param deadline      after this instant the request ends as {@code deadline_exceeded}, or null
 * @param priority      higher first within a model; 0 by default
 * @param attempt       1 for the first submission, incremented by each dead-letter replay
 * @param cache         how the response cache serves it ({@link CacheControl}), or null for the default
 */
public record Request(
        String customId,
        String method,
        String url,
        ObjectNode body,
        int schemaVersion,
        String id,
        String batchId,
        Instant submittedAt,
        Instant deadline,
        int priority,
        int attempt,
        @JsonInclude(JsonInclude.Include.NON_NULL) CacheControl cache) {

    public static final int SCHEMA_VERSION = 1;

    public Request {
        Objects.requireNonNull(customId, "custom_id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(body, "body");
        method = method == null ? "POST" : method;
        attempt = Math.max(1, attempt);
        id = id == null ? defaultId(batchId, customId) : id;
        JsonNode model = body.get("model");
        if (model == null || !model.isString()) {
            throw new IllegalArgumentException("body.model is required");
        }
    }

    /** A request without a {@code cache} field. */
    public Request(String customId, String method, String url, ObjectNode body, int schemaVersion, String id,
            String batchId, Instant submittedAt, Instant deadline, int priority, int attempt) {
        this(customId, method, url, body, schemaVersion, id, batchId, submittedAt, deadline, priority, attempt, null);
    }

    /** How the cache serves it: its {@code cache} field, or {@link CacheControl#DEFAULT}. */
    public CacheControl cacheControl() {
        return cache == null ? CacheControl.DEFAULT : cache;
    }

    /** The same request with another {@code cache} field. */
    public Request withCache(CacheControl newCache) {
        return new Request(customId, method, url, body, schemaVersion, id, batchId, submittedAt, deadline, priority,
                attempt, newCache);
    }

    /** The default request id: {@code <batchId>:<customId>}, or {@code customId} without a batch. */
    public static String defaultId(String batchId, String customId) {
        return batchId == null ? customId : batchId + ":" + customId;
    }

    /** The exact model id, {@code body.model}. */
    public String model() {
        return body.get("model").asString();
    }

    /** The endpoint of {@link #url()}. */
    public Endpoint endpoint() {
        return Endpoint.fromPath(url).orElseThrow();
    }

    /** {@code body.max_tokens} ({@code max_output_tokens} for {@code /v1/responses}), or 0 when absent. */
    public int maxTokens() {
        JsonNode maxTokens = body.get(Endpoint.RESPONSES.path().equals(url) ? "max_output_tokens" : "max_tokens");
        return maxTokens == null || !maxTokens.isIntegralNumber() ? 0 : maxTokens.asInt();
    }

    /** A copy with batch fields set, as {@code dmap submit} publishes it. */
    public Request withBatch(String newBatchId, Instant newSubmittedAt, Instant newDeadline) {
        return new Request(customId, method, url, body, schemaVersion, defaultId(newBatchId, customId),
                newBatchId, newSubmittedAt, newDeadline, priority, attempt, cache);
    }

    /** The same request with another priority. */
    public Request withPriority(int newPriority) {
        return new Request(customId, method, url, body, schemaVersion, id, batchId, submittedAt, deadline, newPriority,
                attempt, cache);
    }
}
