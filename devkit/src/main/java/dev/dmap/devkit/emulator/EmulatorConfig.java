package dev.dmap.devkit.emulator;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Immutable settings of one {@link LmStudioEmulator}. Defaults are named constants and were
 * picked from the calibration notes (docs/lm-studio-facts.md, Emulator calibration) for a 7B/8B Q4 GGUF on a
 * mid-range consumer GPU: loads of about 3.6 s for 4.7 GB, prefill 2,000 tokens/s, decode 60
 * tokens/s per stream, 4 parallel slots (LM Studio's default).
 *
 * @param host                   address to bind, default {@value #DEFAULT_HOST}
 * @param port                   TCP port; 0 picks a free one
 * @param models                 the "downloaded" catalogue, in listing order
 * @param memoryBudgetBytes      bytes of (V)RAM that loaded models may occupy together
 * @param loadBytesPerSecond     simulated disk-to-GPU speed in bytes per second
 * @param loadOverhead           fixed part of every load
 * @param parallelSlots          "Max Concurrent Predictions" of every loaded instance
 * @param defaultContextLength   context (tokens) of a load that does not ask for one, capped by the model's maximum
 * @param prefillTokensPerSecond prompt processing speed, tokens per second
 * @param decodeTokensPerSecond  generation speed of a single stream, tokens per second
 * @param requestOverhead        fixed part of every inference call (HTTP, sampling setup)
 * @param jit                    LM Studio's "Just in Time Model Loading"
 * @param autoEvict              LM Studio's "Only Keep Last JIT Loaded Model"
 * @param timeScale              multiplier for every simulated duration; 0 means no delay at all
 * @param apiKey                 Bearer token required on every LM Studio endpoint; null turns auth off
 * @param seed                   seeds completions and fault draws so runs repeat
 * @param faults                 the live fault switches (mutable, shared with the running emulator)
 */
public record EmulatorConfig(String host, int port, List<EmulatedModel> models, long memoryBudgetBytes,
                             double loadBytesPerSecond, Duration loadOverhead, int parallelSlots,
                             int defaultContextLength, double prefillTokensPerSecond, double decodeTokensPerSecond,
                             Duration requestOverhead, boolean jit, boolean autoEvict, double timeScale,
                             String apiKey, long seed, Faults faults) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 0;
    public static final long DEFAULT_MEMORY_BUDGET_BYTES = 8_000_000_000L;
    public static final double DEFAULT_LOAD_BYTES_PER_SECOND = 1.5e9;
    public static final Duration DEFAULT_LOAD_OVERHEAD = Duration.ofMillis(500);
    public static final int DEFAULT_PARALLEL_SLOTS = 4;
    public static final int DEFAULT_CONTEXT_LENGTH = 4096;
    public static final double DEFAULT_PREFILL_TOKENS_PER_SECOND = 2000;
    public static final double DEFAULT_DECODE_TOKENS_PER_SECOND = 60;
    public static final Duration DEFAULT_REQUEST_OVERHEAD = Duration.ofMillis(80);
    public static final double DEFAULT_TIME_SCALE = 1.0;
    public static final long DEFAULT_SEED = 0;

    public EmulatorConfig {
        Objects.requireNonNull(host, "host");
        models = List.copyOf(Objects.requireNonNull(models, "models"));
        Objects.requireNonNull(loadOverhead, "loadOverhead");
        Objects.requireNonNull(requestOverhead, "requestOverhead");
        faults = faults == null ? new Faults() : faults;
        validate(port, models, memoryBudgetBytes, parallelSlots, defaultContextLength, timeScale);
        requirePositive(loadBytesPerSecond, "loadBytesPerSecond");
        requirePositive(prefillTokensPerSecond, "prefillTokensPerSecond");
        requirePositive(decodeTokensPerSecond, "decodeTokensPerSecond");
        if (loadOverhead.isNegative() || requestOverhead.isNegative()) {
            throw new IllegalArgumentException("overheads must not be negative");
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey must be null (auth off) or non-blank");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().host(host).port(port).models(models).memoryBudgetBytes(memoryBudgetBytes)
                .loadBytesPerSecond(loadBytesPerSecond).loadOverhead(loadOverhead).parallelSlots(parallelSlots)
                .defaultContextLength(defaultContextLength).prefillTokensPerSecond(prefillTokensPerSecond)
                .decodeTokensPerSecond(decodeTokensPerSecond).requestOverhead(requestOverhead).jit(jit)
                .autoEvict(autoEvict).timeScale(timeScale).apiKey(apiKey).seed(seed).faults(faults);
    }

    /** Four common 4-bit chat models and one embedding model, sized like their LM Studio downloads. */
    public static List<EmulatedModel> defaultCatalogue() {
        return List.of(
                EmulatedModel.llm("qwen2.5-7b-instruct", 4_680_000_000L, 32768),
                EmulatedModel.llm("meta-llama-3.1-8b-instruct", 4_920_000_000L, 131072),
                EmulatedModel.llm("mistral-7b-instruct-v0.3", 4_370_000_000L, 32768),
                EmulatedModel.llm("google/gemma-3-4b", 3_340_000_000L, 131072),
                EmulatedModel.embedding("text-embedding-nomic-embed-text-v1.5", 84_000_000L, 2048));
    }

    /** The model with this key, or null. */
    EmulatedModel model(String key) {
        return models.stream().filter(m -> m.key().equals(key)).findFirst().orElse(null);
    }

    /** Keeps the API key out of logs and banners. */
    @Override
    public String toString() {
        return "EmulatorConfig[host=" + host + ", port=" + port + ", models=" + models.size()
                + ", memoryBudgetBytes=" + memoryBudgetBytes + ", loadBytesPerSecond=" + loadBytesPerSecond
                + ", loadOverhead=" + loadOverhead + ", parallelSlots=" + parallelSlots
                + ", defaultContextLength=" + defaultContextLength + ", prefillTokensPerSecond=" + prefillTokensPerSecond
                + ", decodeTokensPerSecond=" + decodeTokensPerSecond + ", requestOverhead=" + requestOverhead
                + ", jit=" + jit + ", autoEvict=" + autoEvict + ", timeScale=" + timeScale
                + ", apiKey=" + (apiKey == null ? "none" : "****") + ", seed=" + seed + ", faults=" + faults + "]";
    }

    private static void validate(int port, List<EmulatedModel> models, long budget, int slots, int context, double timeScale) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be within 0..65535, was " + port);
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("the catalogue needs at least one model");
        }
        Set<String> keys = new HashSet<>();
        models.forEach(m -> {
            if (!keys.add(m.key())) {
                throw new IllegalArgumentException("duplicate model key in catalogue: " + m.key());
            }
        });
        if (budget <= 0 || slots < 1 || context < 1) {
            throw new IllegalArgumentException("memory budget, parallel slots and default context length must be positive");
        }
        if (!(timeScale >= 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("timeScale must be a finite number >= 0, was " + timeScale);
        }
    }

    private static void requirePositive(double value, String name) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive finite number, was " + value);
        }
    }

    /** Mutable builder; every setting is optional. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private List<EmulatedModel> models = defaultCatalogue();
        private long memoryBudgetBytes = DEFAULT_MEMORY_BUDGET_BYTES;
        private double loadBytesPerSecond = DEFAULT_LOAD_BYTES_PER_SECOND;
        private Duration loadOverhead = DEFAULT_LOAD_OVERHEAD;
        private int parallelSlots = DEFAULT_PARALLEL_SLOTS;
        private int defaultContextLength = DEFAULT_CONTEXT_LENGTH;
        private double prefillTokensPerSecond = DEFAULT_PREFILL_TOKENS_PER_SECOND;
        private double decodeTokensPerSecond = DEFAULT_DECODE_TOKENS_PER_SECOND;
        private Duration requestOverhead = DEFAULT_REQUEST_OVERHEAD;
        private boolean jit = true;
        private boolean autoEvict = true;
        private double timeScale = DEFAULT_TIME_SCALE;
        private String apiKey;
        private long seed = DEFAULT_SEED;
        private Faults faults;

        private Builder() {
        }

        public Builder host(String value) { this.host = value; return this; }
        public Builder port(int value) { this.port = value; return this; }
        public Builder models(List<EmulatedModel> value) { this.models = value; return this; }
        public Builder memoryBudgetBytes(long value) { this.memoryBudgetBytes = value; return this; }
        public Builder loadBytesPerSecond(double value) { this.loadBytesPerSecond = value; return this; }
        public Builder loadOverhead(Duration value) { this.loadOverhead = value; return this; }
        public Builder parallelSlots(int value) { this.parallelSlots = value; return this; }
        public Builder defaultContextLength(int value) { this.defaultContextLength = value; return this; }
        public Builder prefillTokensPerSecond(double value) { this.prefillTokensPerSecond = value; return this; }
        public Builder decodeTokensPerSecond(double value) { this.decodeTokensPerSecond = value; return this; }
        public Builder requestOverhead(Duration value) { this.requestOverhead = value; return this; }
        public Builder jit(boolean value) { this.jit = value; return this; }
        public Builder autoEvict(boolean value) { this.autoEvict = value; return this; }
        public Builder timeScale(double value) { this.timeScale = value; return this; }
        public Builder apiKey(String value) { this.apiKey = value; return this; }
        public Builder seed(long value) { this.seed = value; return this; }
        public Builder faults(Faults value) { this.faults = value; return this; }

        public EmulatorConfig build() {
            return new EmulatorConfig(host, port, models, memoryBudgetBytes, loadBytesPerSecond, loadOverhead,
                    parallelSlots, defaultContextLength, prefillTokensPerSecond, decodeTokensPerSecond,
                    requestOverhead, jit, autoEvict, timeScale, apiKey, seed, faults);
        }
    }
}
