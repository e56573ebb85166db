package dev.dmap.worker.pipeline;

import dev.dmap.schemas.PromptTokens;
import dev.dmap.schemas.Request;

/**
 * Estimates a request's prompt tokens before it reaches the backend, with dmap's one counting
 * formula ({@link PromptTokens}, cl100k_base). Local models use their own tokenizers, so this is an
 * estimate: close for English text, and checked after the call against the server's
 * {@code usage.prompt_tokens}. Thread-safe.
 */
public final class TokenEstimator {
    public int estimate(Request request) {
        return PromptTokens.count(request.body(), request.endpoint().path());
    }
}
