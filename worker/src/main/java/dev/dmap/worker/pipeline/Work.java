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
 * @param fetchedAt when the worker fetched it
 * @param headers   W3C trace context and other headers to carry to the backend call
 */
public record Work(Request request, JsonNode original, Source source, Instant fetchedAt, Map<String, String> headers) {
    public Work {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** The same work with other headers for the backend call (the worker's own trace context). */
    public Work withHeaders(Map<String, String> newHeaders) {
        return new Work(request, original, source, fetchedAt, newHeaders);
    }
}
