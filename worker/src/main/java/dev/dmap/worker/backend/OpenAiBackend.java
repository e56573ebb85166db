package dev.dmap.worker.backend;

import dev.dmap.schemas.CacheKeys;
import dev.dmap.schemas.ErrorCode;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Any OpenAI-compatible server (vLLM, llama-server, and the rest) through {@code GET /v1/models}
 * alone: every listed model counts as loaded, nothing is loaded or unloaded, slots come from the
 * configuration ({@code dmap.backend.slots}, else the default), prompt tokens are estimated. The
 * context is read where a server lists it (vLLM's {@code max_model_len}, llama-server's
 * {@code meta.n_ctx}); where none is listed the server checks its own context and its error is
 * classified.
 */
public final class OpenAiBackend implements Backend {
    /** The context of a model whose server does not list one: no pre-flight check, the server decides. */
    public static final int UNKNOWN_CONTEXT = Integer.MAX_VALUE;

    private final BackendHttp http;
    private final Clock clock;

    public OpenAiBackend(BackendHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public String describe() {
        return "an OpenAI-compatible server (no load control)";
    }

    @Override
    public ModelListing listModels() {
        JsonNode data = http.get("/v1/models").json().path("data");
        if (!data.isArray()) {
            throw new BackendUnavailable("backend at " + http.settings().baseUrl()
                    + " answered /v1/models without a data list", null, null);
        }
        Set<String> available = new HashSet<>();
        Map<String, LoadedModel> loaded = new HashMap<>();
        Map<String, String> identities = new HashMap<>();
        for (JsonNode model : data) {
            String id = model.path("id").asString("");
            if (!id.isEmpty()) {
                available.add(id);
                identities.put(id, CacheKeys.identity(model));
                loaded.put(id, new LoadedModel(id, List.of(id), contextOf(model), 0, 0));
            }
        }
        return new ModelListing(available, loaded, 0, clock.instant(), identities);
    }

    @Override
    public boolean reportsSlots() {
        return false;
    }

    @Override
    public boolean controlsLoading() {
        return false;
    }


    @Override
    public void load(String model) {
        throw new PermanentFailure(ErrorCode.MODEL_NOT_FOUND, "the server does not list " + model
                + " and dmap cannot load models on a plain OpenAI-compatible server", null);
    }

    @Override
    public void unload(String instanceId) {
        // nothing to do: the server decides what it holds
    }

    @Override
    public HttpReply infer(String path, byte[] body, Map<String, String> headers) {
        return http.infer(path, body, headers);
    }

    @Override
    public StreamedReply inferStreaming(String path, byte[] body, Map<String, String> headers, EventSink sink) {
        return http.stream(path, body, headers, sink);
    }


    private static int contextOf(JsonNode model) {
        for (JsonNode value : List.of(model.path("max_model_len"), model.path("meta").path("n_ctx"),
                model.path("context_length"))) {
            if (value.isInt() && value.asInt() > 0) {
                return value.asInt();
            }
        }
        return UNKNOWN_CONTEXT;
    }
}
