package dev.dmap.worker.pipeline;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.dmap.schemas.Endpoint;
import dev.dmap.schemas.Request;
import tools.jackson.databind.JsonNode;

/**
 * Estimates a request's prompt tokens before it reaches the backend, with a real BPE tokenizer
 * (jtokkit, cl100k_base). Local models use their own tokenizers, so this is an estimate: close
 * for English text, and checked after the call against the server's {@code usage.prompt_tokens}.
 * For chat, every message costs its content plus 4 tokens of template, and the reply primer 3,
 * as in OpenAI's published counting recipe. Thread-safe.
 */
public final class TokenEstimator {
    static final int TOKENS_PER_MESSAGE = 4;
    static final int REPLY_PRIMER_TOKENS = 3;

    private final Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    public int estimate(Request request) {
        JsonNode body = request.body();
        Endpoint endpoint = request.endpoint();
        return switch (endpoint) {
            case CHAT_COMPLETIONS -> chat(body.path("messages"));
            case COMPLETIONS -> textOrArray(body.path("prompt"));
            case EMBEDDINGS -> textOrArray(body.path("input"));
        };
    }

    private int chat(JsonNode messages) {
        int tokens = REPLY_PRIMER_TOKENS;
        for (JsonNode message : messages) {
            tokens += TOKENS_PER_MESSAGE + content(message.path("content"));
        }
        return tokens;
    }

    /** A message's content: a string, or an array of parts whose {@code text} parts count. */
    private int content(JsonNode content) {
        if (content.isString()) {
            return count(content.asString());
        }
        int tokens = 0;
        if (content.isArray()) {
            for (JsonNode part : content) {
                tokens += count(part.path("text").asString(""));
            }
        }
        return tokens;
    }

    private int textOrArray(JsonNode value) {
        if (value.isString()) {
            return count(value.asString());
        }
        int tokens = 0;
        if (value.isArray()) {
            for (JsonNode item : value) {
                tokens += item.isString() ? count(item.asString()) : 0;
            }
        }
        return tokens;
    }

    private int count(String text) {
        return text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }
}
