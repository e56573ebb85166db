package dev.dmap.devkit.emulator;

import java.util.Locale;
import java.util.Objects;

/**
 * One model "downloaded" in the emulated LM Studio: what its listings show and what loading
 * it costs.
 *
 * @param key              LM Studio's model key, e.g. {@code qwen2.5-7b-instruct} or
 *                         {@code google/gemma-3-4b}; never contains {@code :} because LM Studio
 *                         uses {@code :N} for duplicate instances
 * @param type             {@link #TYPE_LLM} or {@link #TYPE_EMBEDDING} (the v1 spelling; the v0
 *                         listing prints {@code embeddings})
 * @param sizeBytes        file size in bytes; also the memory the loaded model occupies
 * @param maxContextLength the model's trained maximum context in tokens (not the loaded one)
 * @param publisher        e.g. {@code lmstudio-community}
 * @param architecture     e.g. {@code llama}, {@code qwen2}, {@code nomic-bert}
 * @param quantization     e.g. {@code Q4_K_M}
 * @param paramsString     human-readable parameter count, e.g. {@code 7B}; null when unknown
 */
public record EmulatedModel(String key, String type, long sizeBytes, int maxContextLength,
                            String publisher, String architecture, String quantization, String paramsString) {

    public static final String TYPE_LLM = "llm";
    public static final String TYPE_EMBEDDING = "embedding";

    public EmulatedModel {
        Objects.requireNonNull(key, "key");
        if (key.isBlank() || key.contains(":") || key.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("model key must be non-blank, without ':' or whitespace: '" + key + "'");
        }
        if (!TYPE_LLM.equals(type) && !TYPE_EMBEDDING.equals(type)) {
            throw new IllegalArgumentException("type must be 'llm' or 'embedding', was '" + type + "'");
        }
        if (sizeBytes <= 0 || maxContextLength <= 0) {
            throw new IllegalArgumentException("size and max context length must be positive for " + key);
        }
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(quantization, "quantization");
    }

    /** An LLM with publisher, architecture, quantization ({@code Q4_K_M}) and parameter count guessed from its key. */
    public static EmulatedModel llm(String key, long sizeBytes, int maxContextLength) {
        return new EmulatedModel(key, TYPE_LLM, sizeBytes, maxContextLength, ModelDefaults.publisher(key),
                ModelDefaults.architecture(key), ModelDefaults.QUANTIZATION, ModelDefaults.paramsString(key));
    }

    /** An embedding model with fields guessed from its key (LM Studio shows no parameter count for these). */
    public static EmulatedModel embedding(String key, long sizeBytes, int maxContextLength) {
        return new EmulatedModel(key, TYPE_EMBEDDING, sizeBytes, maxContextLength, ModelDefaults.embeddingPublisher(key),
                ModelDefaults.embeddingArchitecture(key), ModelDefaults.QUANTIZATION, null);
    }

    /**
     * Parses {@code id:size:ctx[:embedding]}, e.g. {@code qwen2.5-7b-instruct:4.7GB:32768} or
     * {@code text-embedding-x:84MB:2048:embedding}. Size units: B, KB, MB, GB (decimal).
     *
     * @throws IllegalArgumentException with the expected format when the spec does not parse
     */
    public static EmulatedModel parse(String spec) {
        String[] parts = Objects.requireNonNull(spec, "spec").trim().split(":");
        if (parts.length < 3 || parts.length > 4) {
            throw new IllegalArgumentException("model spec '" + spec + "' must be ID:SIZE:CTX[:embedding], e.g. qwen2.5-7b-instruct:4.7GB:32768");
        }
        long size = ByteSize.parse(parts[1]);
        int context;
        try {
            context = Integer.parseInt(parts[2].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("context length in '" + spec + "' is not a whole number: " + parts[2], e);
        }
        String type = parts.length == 4 ? parts[3].trim().toLowerCase(Locale.ROOT) : TYPE_LLM;
        return switch (type) {
            case TYPE_LLM -> llm(parts[0].trim(), size, context);
            case TYPE_EMBEDDING, "embeddings" -> embedding(parts[0].trim(), size, context);
            default -> throw new IllegalArgumentException("model type in '" + spec + "' must be llm or embedding, was " + parts[3]);
        };
    }

    /** True for embedding models, which serve {@code /v1/embeddings} and nothing else. */
    boolean isEmbedding() {
        return TYPE_EMBEDDING.equals(type);
    }
}
