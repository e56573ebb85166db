package dev.dmap.worker.backend;

import dev.dmap.schemas.MessageCodec;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * LM Studio: the OpenAI-compatible inference endpoints, and the native REST API for the model
 * list, loads and unloads. LM Studio has no tokenize endpoint, so prompt tokens are estimated.
 */
public final class LmStudioBackend implements Backend {
    private final BackendHttp http;
    private final ModelListingParser listingParser;

    public LmStudioBackend(BackendHttp http, Clock clock) {
        this.http = http;
        this.listingParser = new ModelListingParser(clock);
    }

    @Override
    public String describe() {
        return "LM Studio";
    }

    /**
     * Every available model and what is loaded: {@code GET /api/v1/models}, falling back to
     * {@code /api/v0/models} on servers older than LM Studio 0.4. LM Studio answers 200 even for
     * unknown paths, so a listing without the expected root counts as absent.
     */
    @Override
    public ModelListing listModels() {
        Optional<ModelListing> listing = listingParser.parseV1(http.get("/api/v1/models"));
        if (listing.isPresent()) {
            return listing.get();
        }
        HttpReply v0 = http.get("/api/v0/models");
        return listingParser.parseV0(v0).orElseThrow(() -> new BackendUnavailable(
                "backend at " + http.settings().baseUrl()
                        + " does not serve LM Studio's model API (/api/v1/models or /api/v0/models)", v0, null));
    }

    @Override
    public boolean controlsLoading() {
        return true;
    }


    /** {@code POST /api/v1/models/load}: synchronous, so it waits up to the load timeout. */
    @Override
    public void load(String model) {
        ObjectNode body = MessageCodec.mapper().createObjectNode().put("model", model).put("echo_load_config", true);
        http.post("/api/v1/models/load", body, http.settings().loadTimeout());
    }

    /** {@code POST /api/v1/models/unload} of one instance. */
    @Override
    public void unload(String instanceId) {
        ObjectNode body = MessageCodec.mapper().createObjectNode().put("instance_id", instanceId);
        http.post("/api/v1/models/unload", body, http.settings().loadTimeout());
    }

    @Override
    public HttpReply infer(String path, byte[] body, Map<String, String> headers) {
        return http.infer(path, body, headers);
    }

    @Override
    public StreamedReply inferStreaming(String path, byte[] body, Map<String, String> headers, EventSink sink) {
        return http.stream(path, body, headers, sink);
    }
}
