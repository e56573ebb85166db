package dev.dmap.schemas;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import tools.jackson.databind.JsonNode;

/**
 * How many prompt tokens a request body costs, counted with cl100k_base (jtokkit). This is the one
 * formula in dmap: the emulator bills it in {@code usage.prompt_tokens} and checks it against the
 * loaded context, and the worker's pre-flight estimate uses it where the backend cannot count
 * exactly, so an estimate and the emulator's answer agree:
 *
 * <ul>
 *   <li>chat ({@code /v1/chat/completions}): the sum over messages of
 *       {@code tokens(content) + 4}, plus 3 for the reply primer. {@code content} may be a string
 *       or an array of parts, of which only the {@code text} of parts with a {@code text} field
 *       counts (images cost nothing here). A null content counts 0.</li>
 *   <li>completions ({@code /v1/completions}): {@code tokens(prompt)}; an array prompt sums its
 *       strings.</li>
 *   <li>embeddings ({@code /v1/embeddings}): the sum of {@code tokens(input)} over every input;
 *       an input given as an array of token ids counts its length.</li>
 *   <li>responses ({@code /v1/responses}): counted as a chat whose messages are the
 *       {@code instructions} (if any) and the {@code input}, a string being one user message and an
 *       array a list of messages whose {@code content} is a string or parts with {@code text}.</li>
 * </ul>
 *
 * The 4 and 3 are OpenAI's published overhead for chat formatting; real chat templates differ
 * per model by a few tokens. Text that looks like a special token ({@code <|endoftext|>}) counts as
 * ordinary text, so user input can never make it throw. Thread-safe.
 */
public final class PromptTokens {
    /** Tokens added per chat message for role and separators. */
    public static final int PER_MESSAGE_OVERHEAD = 4;
    /** Tokens added once per chat request to prime the assistant's reply. */
    public static final int REPLY_PRIMER = 3;

    private static final Encoding CL100K = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    private PromptTokens() {
    }

    /**
     * Counts the prompt tokens of {@code body} for the endpoint at {@code endpointPath}
     * (any path ending in {@code /chat/completions}, {@code /completions}, {@code /embeddings} or {@code /responses},
     * so {@code /api/v0/...} works too).
     *
     * @throws IllegalArgumentException for any other path
     */
    public static int count(JsonNode body, String endpointPath) {
        if (endpointPath.endsWith("/chat/completions")) {
            return chat(body.path("messages"));
        }
        if (endpointPath.endsWith("/completions")) {
            return texts(body.path("prompt"));
        }
        if (endpointPath.endsWith("/embeddings")) {
            return texts(body.path("input"));
        }
        if (endpointPath.endsWith("/responses")) {
            return responses(body);
        }
        throw new IllegalArgumentException("no prompt-token formula for " + endpointPath);
    }

    /** Counts one piece of text (0 for null or empty); callers count a completion the same way. */
    public static int countText(String text) {
        return text == null || text.isEmpty() ? 0 : CL100K.countTokensOrdinary(text);
    }

    private static int chat(JsonNode messages) {
        int total = REPLY_PRIMER;
        for (JsonNode message : messages) {
            total += content(message.path("content")) + PER_MESSAGE_OVERHEAD;
        }
        return total;
    }

    private static int responses(JsonNode body) {
        int total = REPLY_PRIMER;
        if (body.path("instructions").isString()) {
            total += countText(body.path("instructions").stringValue()) + PER_MESSAGE_OVERHEAD;
        }
        JsonNode input = body.path("input");
        if (input.isString()) {
            return total + countText(input.stringValue()) + PER_MESSAGE_OVERHEAD;
        }
        for (JsonNode message : input) {
            total += content(message.path("content")) + PER_MESSAGE_OVERHEAD;
        }
        return total;
    }

    private static int content(JsonNode content) {
        if (content.isString()) {
            return countText(content.stringValue());
        }
        int total = 0;
        if (content.isArray()) {
            for (JsonNode part : content) {
                JsonNode text = part.path("text");
                total += text.isString() ? countText(text.stringValue()) : 0;
            }
        }
        return total;
    }

    private static int texts(JsonNode value) {
        if (value.isString()) {
            return countText(value.stringValue());
        }
        int total = 0;
        if (value.isArray()) {
            for (JsonNode item : value) {
                total += item.isNumber() ? 1 : item.isArray() ? item.size() : item.isString() ? countText(item.stringValue()) : 0;
            }
        }
        return total;
    }
}
