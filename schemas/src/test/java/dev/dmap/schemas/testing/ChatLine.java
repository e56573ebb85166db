package dev.dmap.schemas.testing;

import dev.dmap.schemas.MessageCodec;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenAI Batch line for {@code /v1/chat/completions}, as every module's tests write them:
 * {@code ChatLine.of("q1", "qwen2.5-7b-instruct").content("Hi").maxTokens(8).json()}. Shared
 * through the schemas test-jar, so no test builds request JSON by hand.
 */
public final class ChatLine {
    private final ObjectNode root = MessageCodec.mapper().createObjectNode();
    private final ObjectNode body;

    private ChatLine(String customId, String model) {
        root.put("custom_id", customId).put("method", "POST").put("url", "/v1/chat/completions");
        body = root.putObject("body");
        body.put("model", model);
        body.putArray("messages").addObject().put("role", "user").put("content", "Hi");
    }

    /** A line with one user message, "Hi". */
    public static ChatLine of(String customId, String model) {
        return new ChatLine(customId, model);
    }

    /** The user message's text. */
    public ChatLine content(String text) {
        ((ObjectNode) body.get("messages").get(0)).put("content", text);
        return this;
    }

    public ChatLine maxTokens(int maxTokens) {
        body.put("max_tokens", maxTokens);
        return this;
    }

    /** Greedy decoding ({@code temperature: 0}): a request the response cache may answer. */
    public ChatLine greedy() {
        body.put("temperature", 0);
        return this;
    }

    public String json() {
        return root.toString();
    }

    /** The request body alone, as a backend receives it. */
    public byte[] bodyBytes() {
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    public byte[] bytes() {
        return json().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return json();
    }
}
