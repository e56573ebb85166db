package dev.dmap.devkit.emulator;

import dev.dmap.schemas.PromptTokens;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * Serves one inference call the way LM Studio would: faults, model resolution (with JIT load),
 * the context check, a parallel slot (FIFO queue behind it), then simulated prefill and decode.
 *
 * <p>Timing, in simulated time: time to first token = {@code requestOverhead} + prompt tokens /
 * prefill speed; generation = completion tokens / (decode speed x f), where
 * f = max(0.6, 1 - 0.08 x (streams generating on the instance - 1)), sampled when the call
 * starts generating: continuous batching slows each stream gently while raising throughput
 * (docs/lm-studio-facts.md, Emulator calibration).
 */
final class InferenceEngine {
    static final double DECODE_SLOWDOWN_PER_STREAM = 0.08;
    static final double MIN_DECODE_FACTOR = 0.6;
    /** LM Studio's idle TTL of a JIT-loaded model when the request sets none. */
    static final Duration DEFAULT_TTL = Duration.ofMinutes(60);

    private final EmulatorConfig config;
    private final EmulatedResidency residency;
    private final ModelLoader loader;
    private final SimulatedTime time;
    private final StatsRecorder stats;
    private final ContentGenerator content;

    InferenceEngine(EmulatorConfig config, EmulatedResidency residency, ModelLoader loader, SimulatedTime time,
                    StatsRecorder stats, ContentGenerator content) {
        this.config = config;
        this.residency = residency;
        this.loader = loader;
        this.time = time;
        this.stats = stats;
        this.content = content;
    }

    /**
     * The outcome of a served call, in simulated time.
     *
     * @param completion null for embeddings
     */
    record Served(ModelInstance instance, int promptTokens, ContentGenerator.Completion completion,
                  Duration timeToFirstToken, Duration generationTime) {
    }

    /**
     * Serves {@code body}; {@code onFirstToken} runs after the prefill wait (streams send their
     * headers there).
     *
     * @throws ApiException for every error answer
     * @throws DropConnectionException for an injected drop
     * @throws Cancellation.CancelledException when the emulator crashes meanwhile
     */
    /** Notes the trace context an inference call carried, for tests that follow a request end to end. */
    void traced(String traceparent) {
        if (traceparent != null) {
            stats.traceparent(traceparent);
        }
    }

    /** What a streamed call is told as its answer is made: the first token, then how much of the completion is decoded. */
    interface Progress {
        void firstToken(ModelInstance instance);

        /** {@code fraction} (0 to 1) of {@code completion} is decoded; a stream sends what it has not sent yet. */
        default void decoded(ContentGenerator.Completion completion, double fraction) {
        }
    }

    /** Steps in which a streamed answer is decoded, so that its pieces leave as they are made, as a real server sends them. */
    static final int STREAM_STEPS = 16;

    Served serve(InferenceEndpoint endpoint, JsonNode body, Cancellation call, Progress onFirstToken) {
        requireInput(endpoint, body);
        String requested = Json.text(body, "model");
        countCall(requested);
        applyFaults();
        ModelInstance instance = resolve(endpoint, requested, call);
        applyTtl(instance, body);
        int promptTokens = PromptTokens.count(body, endpoint.path());
        int longest = endpoint.generatesText() ? promptTokens : longestInput(body.path("input"));
        if (longest >= instance.config().contextLength()) {
            throw LmStudioErrors.contextOverflow(longest, instance.config().contextLength());
        }
        if (!instance.admit(call)) {
            throw LmStudioErrors.modelUnloaded(instance.id());
        }
        try {
            return generate(endpoint, body, instance, promptTokens, call, onFirstToken);
        } catch (Cancellation.CancelledException e) {
            if (e.reason() == Cancellation.Reason.MODEL_UNLOADED) {
                throw LmStudioErrors.modelUnloaded(instance.id());
            }
            throw e;
        } finally {
            instance.leave(call);
        }
    }

    private Served generate(InferenceEndpoint endpoint, JsonNode body, ModelInstance instance, int promptTokens,
                            Cancellation call, Progress onFirstToken) {
        String key = instance.model().key();
        ContentGenerator.Completion completion = endpoint.generatesText()
                ? content.complete(key, body, promptTokens, instance.config().contextLength()) : null;
        instance.acquireSlot(call);
        int streams = instance.generationStarted();
        stats.generationStarted(key);
        try {
            Duration firstToken = config.requestOverhead()
                    .plus(SimulatedTime.forWork(promptTokens, config.prefillTokensPerSecond()));
            time.await(firstToken, call);
            onFirstToken.firstToken(instance);
            Duration generation = completion == null ? Duration.ZERO
                    : SimulatedTime.forWork(completion.tokens(), config.decodeTokensPerSecond() * decodeFactor(streams));
            for (int step = 1; step <= STREAM_STEPS; step++) {
                time.await(generation.dividedBy(STREAM_STEPS), call);
                if (completion != null) {
                    onFirstToken.decoded(completion, step / (double) STREAM_STEPS);
                }
            }
            return new Served(instance, promptTokens, completion, firstToken, generation);
        } finally {
            stats.generationFinished(key);
            instance.generationFinished();
            instance.releaseSlot();
        }
    }

    /** Per-stream decode speed factor with {@code streams} streams generating on one instance. */
    static double decodeFactor(int streams) {
        return Math.max(MIN_DECODE_FACTOR, 1 - DECODE_SLOWDOWN_PER_STREAM * (streams - 1));
    }

    private ModelInstance resolve(InferenceEndpoint endpoint, String requested, Cancellation call) {
        if (requested == null) {
            return residency.readyWhere(i -> i.model().isEmbedding() == !endpoint.generatesText())
                    .orElseThrow(LmStudioErrors::noModelsLoaded);
        }
        var routed = residency.route(requested);
        EmulatedModel model = routed.map(ModelInstance::model).orElseGet(() -> config.model(requested));
        if (model == null) {
            throw LmStudioErrors.invalidModel(requested, config.models().stream().map(EmulatedModel::key).toList());
        }
        requireType(endpoint, model);
        if (routed.isPresent()) {
            return routed.get();
        }
        if (!config.jit()) {
            throw LmStudioErrors.noModelsLoaded();
        }
        return loader.load(model, loader.defaultConfig(model), true, call).instance();
    }

    /**
     * A JIT-loaded instance unloads itself after {@code ttl} seconds idle (the request's, else LM
     * Studio's default of 60 min), in emulated time; at time scale 0 nothing expires. Explicitly
     * loaded instances have no TTL, as with {@code POST /api/v1/models/load}.
     */
    private void applyTtl(ModelInstance instance, JsonNode body) {
        if (!instance.jitLoaded() || config.timeScale() == 0) {
            return;
        }
        long seconds = body.path("ttl").canConvertToLong() && body.path("ttl").asLong() > 0
                ? body.path("ttl").asLong() : DEFAULT_TTL.toSeconds();
        instance.expireAfterIdle(time.scaled(Duration.ofSeconds(seconds)));
    }

    private static void requireType(InferenceEndpoint endpoint, EmulatedModel model) {
        if (endpoint.generatesText() && model.isEmbedding()) {
            throw LmStudioErrors.badRequest("Model \"" + model.key() + "\" is an embedding model and cannot be used"
                    + " for " + endpoint.path() + ".", "model");
        }
        if (!endpoint.generatesText() && !model.isEmbedding()) {
            throw LmStudioErrors.badRequest("Model \"" + model.key() + "\" is not an embedding model.", "model");
        }
    }

    private static void requireInput(InferenceEndpoint endpoint, JsonNode body) {
        if (body.has("model") && !body.path("model").isString()) {
            throw LmStudioErrors.badRequest("'model' must be a string", "model");
        }
        JsonNode format = body.path("response_format").path("type");
        if (endpoint.generatesText() && !format.isMissingNode() && !format.asString("").equals("json_schema")
                && !format.asString("").equals("text")) {
            throw LmStudioErrors.unsupportedResponseFormat(); // e.g. OpenAI's json_object
        }
        JsonNode input = body.path(endpoint.inputField());
        boolean ok = endpoint == InferenceEndpoint.CHAT ? input.isArray() && !input.isEmpty()
                : input.isString() || input.isArray() && (endpoint != InferenceEndpoint.RESPONSE || !input.isEmpty());
        if (!ok) {
            throw LmStudioErrors.badRequest("'" + endpoint.inputField() + "' is required and must be "
                    + (endpoint == InferenceEndpoint.CHAT ? "a non-empty array" : "a string or an array"),
                    endpoint.inputField());
        }
    }

    private void countCall(String requested) {
        if (requested == null) {
            return;
        }
        String key = requested.contains(":") ? requested.substring(0, requested.lastIndexOf(':')) : requested;
        if (config.model(key) != null) {
            stats.inferenceCall(key);
        }
    }

    private void applyFaults() {
        Faults.Decision decision = config.faults().nextInferenceDecision();
        if (decision.kind() == Faults.Kind.NONE) {
            return;
        }
        stats.injectedFault();
        if (decision.kind() == Faults.Kind.DROP) {
            throw new DropConnectionException();
        }
        throw LmStudioErrors.injected(decision.status());
    }

    /** Tokens of the longest single input: a string, an array of token ids, or an array of either. */
    private static int longestInput(JsonNode input) {
        if (input.isString()) {
            return PromptTokens.countText(input.stringValue());
        }
        if (!input.isEmpty() && input.get(0).isNumber()) {
            return input.size();
        }
        return input.values().stream().mapToInt(item -> item.isString() ? PromptTokens.countText(item.stringValue())
                : item.size()).max().orElse(0);
    }
}
