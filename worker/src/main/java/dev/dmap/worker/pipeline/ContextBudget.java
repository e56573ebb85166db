package dev.dmap.worker.pipeline;

import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.Request;
import dev.dmap.worker.backend.LoadedModel;
import dev.dmap.worker.backend.PermanentFailure;

/**
 * The context check before a call: estimated prompt tokens plus {@code max_tokens} plus a margin
 * must fit the context the model is loaded with. LM Studio may otherwise answer with an error,
 * or silently truncate the prompt and return a degraded answer (the article's "edge case most
 * people miss"), so an oversized request fails here, without a backend call.
 */
public final class ContextBudget {
    /**
     * How far a local model's tokenizer may count above the cl100k estimate before the estimate is no
     * proof that a prompt fits: past {@code estimate x 2 + max_tokens}, the server is asked to count.
     */
    static final int ESTIMATE_SLACK = 2;

    private final int marginTokens;

    /** @param marginTokens tokens kept free for template overhead the estimate may miss */
    public ContextBudget(int marginTokens) {
        this.marginTokens = marginTokens;
    }

    /**
     * Whether the estimate leaves room for doubt: only then is an exact count (two more calls to
     * llama-server) worth its cost. A prompt far below the limit fits whatever the tokenizer; one
     * that is not, but passes anyway, still ends as {@code context_length_exceeded} from the server's
     * own error.
     */
    public boolean mayOverflow(Request request, int estimatedPromptTokens, LoadedModel model) {
        return (long) estimatedPromptTokens * ESTIMATE_SLACK + request.maxTokens() + marginTokens > model.contextLength();
    }

    /** Throws {@link PermanentFailure} with {@code context_length_exceeded} when an estimated prompt cannot fit. */
    public void check(Request request, int estimatedPromptTokens, LoadedModel model) {
        check(request, estimatedPromptTokens, marginTokens, "needs about " + estimatedPromptTokens + " tokens", model);
    }

    /**
     * The same check for a prompt the server counted exactly ({@code /tokenize}): no margin, since
     * nothing is missed.
     */
    public void checkExact(Request request, int promptTokens, LoadedModel model) {
        check(request, promptTokens, 0, "has " + promptTokens + " tokens (counted by the server)", model);
    }

    private static void check(Request request, int promptTokens, int margin, String prompt, LoadedModel model) {
        long needed = (long) promptTokens + request.maxTokens() + margin;
        if (needed > model.contextLength()) {
            throw new PermanentFailure(ErrorCode.CONTEXT_LENGTH_EXCEEDED, "prompt " + prompt + " plus max_tokens "
                    + request.maxTokens() + (margin > 0 ? " plus a margin of " + margin : "") + "; " + model.model()
                    + " is loaded with a context of " + model.contextLength() + " tokens", null);
        }
    }
}
