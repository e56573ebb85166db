package dev.dmap.schemas;

import java.util.Arrays;
import java.util.Optional;

/** The backend endpoints a request may target; the wire form is the OpenAI Batch {@code url}. */
public enum Endpoint {
    CHAT_COMPLETIONS("/v1/chat/completions"),
    COMPLETIONS("/v1/completions"),
    EMBEDDINGS("/v1/embeddings"),
    RESPONSES("/v1/responses");

    private final String path;

    Endpoint(String path) {
        this.path = path;
    }

    /** The URL path, e.g. {@code /v1/chat/completions}. */
    public String path() {
        return path;
    }

    public static Optional<Endpoint> fromPath(String path) {
        return Arrays.stream(values()).filter(e -> e.path.equals(path)).findFirst();
    }
}
