package dev.dmap.schemas;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import tools.jackson.databind.JsonNode;

/**
 * Which requests share a long prompt prefix: the key of the first {@link #CHARS} characters of a
 * prompt's text (chat messages' roles and contents in order, a completion's prompt, a response's
 * instructions and input), given only when the prompt goes on past them. Engines keep an evaluated
 * prefix (llama.cpp's slots and prompt cache, vLLM's prefix cache): requests with one key, sent to
 * one engine back to back, have it evaluated once. About 250 tokens of common start is where that
 * pays; a key is a 32-bit hash, so two prefixes may share one, which costs nothing but order.
 * Embeddings have none. Thread-safe.
 */
public final class PromptPrefix {
    /** Characters of a prompt that make its prefix (about 250 tokens of English). */
    public static final int CHARS = 1024;

    private PromptPrefix() {
    }

    /** The prefix key of a request to {@code url}, or empty when its prompt is no longer than {@link #CHARS}. */
    public static OptionalInt of(String url, JsonNode body) {
        if (url == null || body == null || url.endsWith("/embeddings")) {
            return OptionalInt.empty();
        }
        StringBuilder text = new StringBuilder(CHARS + 1);
        if (url.endsWith("/chat/completions")) {
            messages(body.path("messages"), text);
        } else if (url.endsWith("/completions")) {
            prompt(body.path("prompt"), text);
        } else if (url.endsWith("/responses")) {
            append(body.path("instructions").asString(""), text);
            JsonNode input = body.path("input");
            if (input.isString()) {
                append(input.asString(), text);
            } else {
                messages(input, text);
            }
        }
        if (text.length() <= CHARS) {
            return OptionalInt.empty();
        }
        byte[] prefix = (body.path("model").asString("") + "\n" + text.substring(0, CHARS)).getBytes(StandardCharsets.UTF_8);
        return OptionalInt.of(org.apache.kafka.common.utils.Utils.murmur2(prefix));
    }

    private static void messages(JsonNode messages, StringBuilder text) {
        for (JsonNode message : messages) {
            if (text.length() > CHARS) {
                return;
            }
            append(message.path("role").asString(""), text);
            JsonNode content = message.path("content");
            if (content.isString()) {
                append(content.asString(), text);
            } else {
                for (JsonNode part : content) {
                    append(part.path("text").asString(""), text);
                }
            }
        }
    }

    private static void prompt(JsonNode prompt, StringBuilder text) {
        if (prompt.isString()) {
            append(prompt.asString(), text);
        } else if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isString()) {
            append(prompt.get(0).asString(), text);
        }
    }

    private static void append(String piece, StringBuilder text) {
        if (text.length() <= CHARS) {
            text.append(piece, 0, Math.min(piece.length(), CHARS + 1 - text.length())).append('\u0000');
        }
    }
}
