package dev.dmap.schemas;

import tools.jackson.databind.JsonNode;

/**
 * Token usage, as OpenAI's {@code usage}.
 *
 * @param promptTokens     prompt tokens
 * @param completionTokens generated tokens
 * @param totalTokens      both
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens) {
    public static final Usage ZERO = new Usage(0, 0, 0);

    /**
     * Reads a response body's {@code usage} in either naming: chat, completions and embeddings say
     * {@code prompt_tokens}/{@code completion_tokens}, {@code /v1/responses} says
     * {@code input_tokens}/{@code output_tokens}. Missing counts are 0.
     */
    public static Usage of(JsonNode usage) {
        long prompt = usage.has("prompt_tokens") ? usage.path("prompt_tokens").asLong(0) : usage.path("input_tokens").asLong(0);
        long completion = usage.has("completion_tokens") ? usage.path("completion_tokens").asLong(0)
                : usage.path("output_tokens").asLong(0);
        return new Usage(prompt, completion, prompt + completion);
    }

    /** Whether {@code usage} holds a prompt count in either naming. */
    public static boolean hasPromptCount(JsonNode usage) {
        return usage.has("prompt_tokens") || usage.has("input_tokens");
    }

    public Usage plus(long prompt, long completion) {
        return new Usage(promptTokens + prompt, completionTokens + completion, totalTokens + prompt + completion);
    }
}
