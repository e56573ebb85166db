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
    private final int marginTokens;

    /** @param marginTokens tokens kept free for template overhead the estimate may miss */
    public ContextBudget(int marginTokens) {
        this.marginTokens = marginTokens;
    }

    /** Throws {@link PermanentFailure} with {@code context_length_exceeded} when the request cannot fit. */
    public void check(Request request, int estimatedPromptTokens, LoadedModel model) {
        int needed = estimatedPromptTokens + request.maxTokens() + marginTokens;
        if (needed > model.contextLength()) {
            throw new PermanentFailure(ErrorCode.CONTEXT_LENGTH_EXCEEDED, "prompt needs about " + estimatedPromptTokens
                    + " tokens plus max_tokens " + request.maxTokens() + (marginTokens > 0 ? " plus a margin of " + marginTokens : "")
                    + "; " + model.model() + " is loaded with a context of " + model.contextLength() + " tokens", null);
        }
    }
}
