package dev.dmap.worker.backend;

import dev.dmap.schemas.CacheKeys;
import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Request;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * llama.cpp's {@code llama-server}, in either of its modes, which {@code GET /props} tells apart:
 *
 * <ul>
 *   <li><b>single model</b> ({@code -m FILE}): one model, always loaded, no load control; its
 *       context is {@code default_generation_settings.n_ctx} and its slots {@code total_slots}.</li>
 *   <li><b>router</b> ({@code --models-dir DIR}, {@code role: router}): models and their status from
 *       {@code /v1/models}; {@code POST /models/load} returns while the model is still
 *       {@code loading}, so a load polls until {@code loaded}; at {@code --models-max}
 *       ({@code max_instances}) the router evicts its least recently used model and aborts what
 *       runs on it, so the worker keeps below that bound ({@link ModelListing#maxLoaded}) and drains a model before asking for
 *       another. {@code /props?model=X} loads X, so it is asked only for loaded models.</li>
 * </ul>
 *
 * Prompt tokens are exact: {@link LlamaServerTokens} asks the server's own template and tokenizer.
 */
public final class LlamaServerBackend implements Backend {
    /**
     * How often a load or unload in progress is polled: a model swap waits half of it on average,
     * twice (the unload, then the load), and a poll is one local {@code GET /v1/models}.
     */
    static final Duration LOAD_POLL = Duration.ofMillis(50);

    private final BackendHttp http;
    private final Clock clock;
    private final Sleeper sleeper;
    private final LlamaServerTokens tokens;
    private volatile Props props;

    /** What {@code GET /props} (no model) says about the server. */
    private record Props(boolean router, int maxInstances, String build) {
    }

    public LlamaServerBackend(BackendHttp http, Clock clock, Sleeper sleeper) {
        this.http = http;
        this.clock = clock;
        this.sleeper = sleeper;
        this.tokens = new LlamaServerTokens(http);
    }

    @Override
    public String describe() {
        Props known = props;
        if (known == null) {
            return "llama-server";
        }
        return known.router()
                ? "llama-server (router mode, up to " + known.maxInstances() + " models, build " + known.build() + ")"
                : "llama-server (single-model mode, build " + known.build() + ")";
    }

    @Override
    public ModelListing listModels() {
        Props server = props();
        JsonNode models = http.get("/v1/models").json().path("data");
        if (!models.isArray()) {
            throw new BackendUnavailable("llama-server at " + http.settings().baseUrl() + " answered /v1/models without data",
                    null, null);
        }
        return listing(models, server.router());
    }

    @Override
    public boolean controlsLoading() {
        return props().router();
    }


    /**
     * Router: {@code POST /models/load}, then polls {@code /v1/models} until the model is
     * {@code loaded}, has failed, or the load timeout passes. Single model: nothing to do for the
     * served model; any other is not there.
     */
    @Override
    public void load(String model) {
        if (!props().router()) {
            throw new PermanentFailure(ErrorCode.MODEL_NOT_FOUND, "llama-server in single-model mode serves only "
                    + listModels().available() + ", not " + model, null);
        }
        http.post("/models/load", MessageCodec.mapper().createObjectNode().put("model", model), http.settings().loadTimeout());
        Instant deadline = clock.instant().plus(http.settings().loadTimeout());
        while (true) {
            JsonNode status = statusOf(model);
            String value = status.path("value").asString("");
            if (value.equals("loaded") || value.equals("sleeping")) {
                return;
            }
            if (status.path("failed").asBoolean(false)) {
                throw new RetryableFailure(RetryableFailure.Reason.LOAD_FAILED, "llama-server could not load " + model
                        + " (its instance exited with code " + status.path("exit_code").asInt() + ")", null, null);
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new RetryableFailure(RetryableFailure.Reason.LOAD_FAILED, "llama-server still reports " + model
                        + " as " + value + " after the load timeout " + http.settings().loadTimeout(), null, null);
            }
            pause();
        }
    }

    /**
     * Router: {@code POST /models/unload} (the instance id is the model's name), then polls until the
     * router lists it as unloaded: like a load, the call returns before its instance has stopped.
     */
    @Override
    public void unload(String instanceId) {
        if (!props().router()) {
            return;
        }
        http.post("/models/unload", MessageCodec.mapper().createObjectNode().put("model", instanceId),
                http.settings().loadTimeout());
        Instant deadline = clock.instant().plus(http.settings().loadTimeout());
        while (!statusOf(instanceId).path("value").asString("").equals("unloaded")) {
            if (!clock.instant().isBefore(deadline)) {
                throw new RetryableFailure(RetryableFailure.Reason.LOAD_FAILED, "llama-server still holds " + instanceId
                        + " after the load timeout " + http.settings().loadTimeout(), null, null);
            }
            pause();
        }
    }

    @Override
    public HttpReply infer(String path, byte[] body, Map<String, String> headers) {
        return http.infer(path, body, headers);
    }

    @Override
    public StreamedReply inferStreaming(String path, byte[] body, Map<String, String> headers, EventSink sink) {
        return http.stream(path, body, headers, sink);
    }

    @Override
    public OptionalInt promptTokens(Request request) {
        return tokens.count(request, props().router());
    }

    private Props props() {
        Props known = props;
        if (known == null) {
            JsonNode json = http.get("/props").json();
            if (!json.has("role") && !json.has("default_generation_settings")) {
                throw new BackendUnavailable("backend at " + http.settings().baseUrl()
                        + " does not answer /props as llama-server does", null, null);
            }
            known = new Props("router".equals(json.path("role").asString("")), json.path("max_instances").asInt(0),
                    json.path("build_info").asString("unknown"));
            props = known;
        }
        return known;
    }

    /**
     * Every listed model; which are loaded, and their properties: in single-model mode the one model,
     * with the server's {@code /props}; in router mode those whose status is {@code loaded} (or
     * {@code sleeping}), each with {@code /props?model=}, which is safe only because it is loaded.
     */
    private ModelListing listing(JsonNode models, boolean router) {
        JsonNode single = router ? null : http.get("/props").json();
        Set<String> available = new HashSet<>();
        Map<String, LoadedModel> loaded = new HashMap<>();
        Map<String, String> identities = new HashMap<>();
        for (JsonNode model : models) {
            String id = model.path("id").asString("");
            if (id.isEmpty()) {
                continue;
            }
            available.add(id);
            identities.put(id, CacheKeys.identity(model));
            String status = model.path("status").path("value").asString("");
            if (router && !status.equals("loaded") && !status.equals("sleeping")) {
                continue;
            }
            JsonNode served = router ? http.get("/props?model=" + URLEncoder.encode(id, StandardCharsets.UTF_8)).json() : single;
            loaded.put(id, new LoadedModel(id, List.of(id), contextOf(served, model), served.path("total_slots").asInt(0),
                    model.path("meta").path("size").asLong(0)));
        }
        return new ModelListing(available, loaded, router ? props().maxInstances() : 1, clock.instant(), identities);
    }

    private static int contextOf(JsonNode props, JsonNode model) {
        int context = props.path("default_generation_settings").path("n_ctx").asInt(0);
        return context > 0 ? context : model.path("meta").path("n_ctx").asInt(ModelListingParser.FALLBACK_CONTEXT);
    }

    private JsonNode statusOf(String model) {
        for (JsonNode entry : http.get("/v1/models").json().path("data")) {
            if (model.equals(entry.path("id").asString(""))) {
                return entry.path("status");
            }
        }
        throw new PermanentFailure(ErrorCode.MODEL_NOT_FOUND, "llama-server no longer lists " + model, null);
    }

    private void pause() {
        try {
            sleeper.sleep(LOAD_POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterrupted("interrupted while llama-server loads a model", e);
        }
    }
}
