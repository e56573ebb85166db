package dev.dmap.devkit.emulator;

/**
 * The load configuration of one instance, as LM Studio reports it in
 * {@code loaded_instances[].config} and {@code load_config}.
 *
 * @param contextLength       loaded context in tokens (prompt plus completion must fit)
 * @param parallel            "Max Concurrent Predictions": calls generating at once; more wait in a FIFO queue
 * @param evalBatchSize       llama.cpp batch size in tokens; reported only, no effect on timing
 * @param flashAttention      reported only
 * @param offloadKvCacheToGpu reported only
 */
record InstanceConfig(int contextLength, int parallel, int evalBatchSize, boolean flashAttention,
                      boolean offloadKvCacheToGpu) {
    /** llama.cpp's default batch size, which LM Studio echoes. */
    static final int DEFAULT_EVAL_BATCH_SIZE = 512;

    InstanceConfig {
        if (contextLength < 1 || parallel < 1 || evalBatchSize < 1) {
            throw new IllegalArgumentException("context length, parallel and eval batch size must be positive");
        }
    }

    static InstanceConfig of(int contextLength, int parallel) {
        return new InstanceConfig(contextLength, parallel, DEFAULT_EVAL_BATCH_SIZE, false, true);
    }
}
