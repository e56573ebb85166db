package dev.dmap.gateway.batches;

import java.util.Set;

/**
 * What a batch's input file must keep to before the gateway publishes it, beyond the request schema.
 *
 * @param maxLines      the most lines the file may have
 * @param maxModels     the most distinct models its lines may name
 * @param allowedModels the operator's list of models a batch may name; empty: those the fleet's workers serve
 */
public record PublishRules(int maxLines, int maxModels, Set<String> allowedModels) {
    /** OpenAI's lines per batch. */
    public static final int DEFAULT_MAX_LINES = 50_000;
    /** Far more than a batch needs (a model is a GPU's working set), far fewer than a topic-creation attack. */
    public static final int DEFAULT_MAX_MODELS = 64;

    public PublishRules {
        if (maxLines < 1 || maxModels < 1) {
            throw new IllegalArgumentException("maxLines and maxModels must be at least 1");
        }
        allowedModels = Set.copyOf(allowedModels);
    }

    /** The defaults, the fleet deciding which models are served. */
    public static PublishRules defaults() {
        return new PublishRules(DEFAULT_MAX_LINES, DEFAULT_MAX_MODELS, Set.of());
    }
}
