package dev.dmap.worker.pipeline;

import dev.dmap.schemas.Request;
import dev.dmap.schemas.Source;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * One decoded request, ready to be served.
 *
 * @param request   the request
 * @param original  the JSON as it arrived, for the dead letter
 * @param source    where it was read
 * @param waitingSince since when the request has waited ({@link #waitingSince(Request, long, Instant)})
 * @param headers   W3C trace context and other headers to carry to the backend call
 * @param replyTo   the topic its caller waits on for replies (an online call), or null
 * @param cacheKey  its response cache key when the cache serves it (docs/cache.md), else null
 */
public record Work(Request request, JsonNode original, Source source, Instant waitingSince, Map<String, String> headers,
        String replyTo, String cacheKey) {
    public Work {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(waitingSince, "waitingSince");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** Work the response cache does not serve. */
    public Work(Request request, JsonNode original, Source source, Instant waitingSince, Map<String, String> headers,
            String replyTo) {
        this(request, original, source, waitingSince, headers, replyTo, null);
    }

    /** Work nobody waits on: a batch's or a plain producer's request. */
    public Work(Request request, JsonNode original, Source source, Instant waitingSince, Map<String, String> headers) {
        this(request, original, source, waitingSince, headers, null, null);
    }

    /** The same work with other headers for the backend call (the worker's own trace context). */
    public Work withHeaders(Map<String, String> newHeaders) {
        return new Work(request, original, source, waitingSince, newHeaders, replyTo, cacheKey);
    }

    /** Whether a caller waits for its streamed events: an online call with {@code "stream": true}. */
    public boolean streamed() {
        return replyTo != null && request.body().path("stream").asBoolean(false);
    }

    /**
     * The one rule for how long a request has waited, used for its queue time, its end-to-end
     * latency and the scheduler's order: from its {@code submitted_at}, else from its record's
     * timestamp (a foreign producer's create time), else from when the worker fetched it.
     */
    public static Instant waitingSince(Request request, long recordTimestamp, Instant fetchedAt) {
        if (request.submittedAt() != null) {
            return request.submittedAt();
        }
        return recordTimestamp > 0 ? Instant.ofEpochMilli(recordTimestamp) : fetchedAt;
    }
}
