package dev.dmap.worker.pipeline;

import dev.dmap.schemas.Endpoint;
import dev.dmap.schemas.Request;
import tools.jackson.databind.node.ObjectNode;

/** The body sent to the backend for a request, by whether a caller waits for its events. */
final class StreamedCall {
    private StreamedCall() {
    }

    /**
     * A request nobody streams (a batch line, a plain producer's record): asked for whole, even when
     * its body says {@code "stream": true}, since its answer goes to a topic, not to a connection.
     */
    static ObjectNode whole(ObjectNode body) {
        if (!body.has("stream") && !body.has("stream_options")) {
            return body;
        }
        ObjectNode copy = body.deepCopy();
        copy.remove("stream");
        copy.remove("stream_options");
        return copy;
    }

    /** A streamed call, asking for the usage event where the endpoint has one, so that its result counts tokens. */
    static ObjectNode withUsage(Request request) {
        if (request.endpoint() == Endpoint.RESPONSES) {
            return request.body();
        }
        ObjectNode copy = request.body().deepCopy();
        copy.withObjectProperty("stream_options").put("include_usage", true);
        return copy;
    }
}
