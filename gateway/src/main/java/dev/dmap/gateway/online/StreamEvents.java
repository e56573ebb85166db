package dev.dmap.gateway.online;

import dev.dmap.schemas.Endpoint;
import dev.dmap.schemas.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Server-sent events as OpenAI writes them: {@code data: {...}} per event (with {@code event:} for the
 * Responses API), and {@code data: [DONE]} at the end of a chat or completion stream. When a call
 * asked to stream but its answer came whole (a backend that does not stream), the stream is made
 * from the answer: one chunk with the whole content, then the usage chunk if the caller asked for it.
 */
public final class StreamEvents {
    private StreamEvents() {
    }

    /** One event, ready to write. */
    public static byte[] event(String type, String data) {
        String text = (type == null ? "" : "event: " + type + "\n") + "data: " + data + "\n\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The end of a stream: {@code data: [DONE]}, except for the Responses API, whose last event is its own. */
    public static byte[] done(Endpoint endpoint) {
        return endpoint == Endpoint.RESPONSES ? new byte[0] : "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
    }

    /** An error event in OpenAI's shape, for a stream that cannot go on. */
    public static byte[] error(Object errorBody) {
        return event(null, MessageCodec.mapper().writeValueAsString(errorBody));
    }

    /** The events of a whole answer, for a caller who asked to stream it. */
    public static List<byte[]> of(Endpoint endpoint, JsonNode body, boolean includeUsage) {
        List<byte[]> events = new ArrayList<>();
        if (endpoint == Endpoint.RESPONSES) {
            ObjectNode completed = MessageCodec.mapper().createObjectNode();
            completed.put("type", "response.completed");
            completed.set("response", body);
            events.add(event("response.completed", completed.toString()));
            return events;
        }
        boolean chat = endpoint == Endpoint.CHAT_COMPLETIONS;
        ObjectNode chunk = MessageCodec.mapper().createObjectNode();
        for (String field : List.of("id", "created", "model", "system_fingerprint")) {
            if (body.has(field)) {
                chunk.set(field, body.get(field));
            }
        }
        chunk.put("object", chat ? "chat.completion.chunk" : "text_completion");
        var choices = chunk.putArray("choices");
        for (JsonNode choice : body.path("choices")) {
            ObjectNode piece = choices.addObject();
            piece.set("index", choice.path("index"));
            if (chat) {
                ObjectNode delta = piece.putObject("delta");
                delta.put("role", choice.path("message").path("role").asString("assistant"));
                delta.set("content", choice.path("message").path("content"));
            } else {
                piece.set("text", choice.path("text"));
            }
            piece.set("finish_reason", choice.path("finish_reason"));
        }
        events.add(event(null, chunk.toString()));
        if (includeUsage && body.has("usage")) {
            ObjectNode usage = chunk.deepCopy();
            usage.putArray("choices");
            usage.set("usage", body.get("usage"));
            events.add(event(null, usage.toString()));
        }
        return events;
    }
}
