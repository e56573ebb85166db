package dev.dmap.schemas;

/**
 * Token usage, as OpenAI's {@code usage}.
 *
 * @param promptTokens     prompt tokens
 * @param completionTokens generated tokens
 * @param totalTokens      both
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens) {
    public static final Usage ZERO = new Usage(0, 0, 0);

    public Usage plus(long prompt, long completion) {
        return new Usage(promptTokens + prompt, completionTokens + completion, totalTokens + prompt + completion);
    }
}
