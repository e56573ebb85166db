package dev.dmap.schemas;

import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A stored answer (cache-entry-v1.schema.json), the value on the compacted {@code <prefix>.cache}
 * topic, keyed by {@link #key()}. Written by the worker that computed it, in the transaction of
 * its result; a tombstone (null value) purges it.
 *
 * @param key           {@link CacheKeys#of}
 * @param url           the endpoint
 * @param model         the exact model id asked for
 * @param modelIdentity the model's identity as the backend reported it
 * @param requestId     the request that computed it
 * @param statusCode    the backend's HTTP status (2xx)
 * @param body          the backend's response body, as the result carries it
 * @param createdAt     when it was computed
 * @param schemaVersion 1
 */
public record CacheEntry(String key, String url, String model, String modelIdentity, String requestId, int statusCode,
        JsonNode body, Instant createdAt, int schemaVersion) {
    public static final int SCHEMA_VERSION = 1;

    public CacheEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(createdAt, "created_at");
    }

    /** The usage the original call spent, as OpenAI's body reports it (zero when absent). */
    public Usage usage() {
        return Usage.of(body.path("usage"));
    }
}
