package dev.dmap.worker.backend;

import dev.dmap.schemas.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

/**
 * One HTTP answer from the backend.
 *
 * @param statusCode HTTP status
 * @param body       the raw body bytes
 * @param retryAfter the server's Retry-After, when it sent one
 */
public record HttpReply(int statusCode, byte[] body, Optional<Duration> retryAfter) {

    public boolean isSuccess() {
        return statusCode >= 200 && statusCode < 300;
    }

    /** The body as JSON; a body that is not JSON comes back as a JSON string of its text. */
    public JsonNode json() {
        try {
            JsonNode node = MessageCodec.mapper().readTree(body);
            return node == null || node.isMissingNode() ? StringNode.valueOf(text()) : node;
        } catch (JacksonException e) {
            return StringNode.valueOf(text());
        }
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The error message in any of the shapes LM Studio and its peers use: {@code {"error":"..."}},
     * {@code {"error":{"message":"..."}}}, {@code {"message":"..."}} or plain text.
     */
    public String errorMessage() {
        JsonNode json = json();
        JsonNode error = json.path("error");
        if (error.isString()) {
            return error.asString();
        }
        if (error.path("message").isString()) {
            return error.path("message").asString();
        }
        if (json.path("message").isString()) {
            return json.path("message").asString();
        }
        return json.isString() ? json.asString() : "";
    }

    /** The error code ({@code error.code} or {@code error.type}), or empty. */
    public String errorCode() {
        JsonNode error = json().path("error");
        if (error.path("code").isString()) {
            return error.path("code").asString();
        }
        return error.path("type").isString() ? error.path("type").asString() : "";
    }
}
