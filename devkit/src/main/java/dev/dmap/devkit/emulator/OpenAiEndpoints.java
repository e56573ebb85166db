package dev.dmap.devkit.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAI-compatible surface ({@code /v1/models}, {@code /v1/chat/completions},
 * {@code /v1/completions}, {@code /v1/embeddings}, {@code /v1/responses}) and three inference calls under
 * {@code /api/v0}, which add LM Studio's {@code stats}, {@code model_info} and {@code runtime}.
 */
final class OpenAiEndpoints {
    private final EmulatorConfig config;
    private final EmulatedResidency residency;
    private final InferenceEngine engine;
    private final ContentGenerator content;

    OpenAiEndpoints(EmulatorConfig config, EmulatedResidency residency, InferenceEngine engine, ContentGenerator content) {
        this.config = config;
        this.residency = residency;
        this.engine = engine;
        this.content = content;
    }

    /**
     * {@code GET /v1/models}: with JIT on, every downloaded model (by key); with JIT off, only
     * what is in memory (by instance id). Neither shows load state or context.
     */
    Reply models() {
        List<String> ids = config.jit() ? config.models().stream().map(EmulatedModel::key).toList()
                : residency.ready().stream().map(ModelInstance::id).toList();
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        ids.forEach(id -> {
            ObjectNode entry = data.addObject();
            entry.put("id", id);
            entry.put("object", "model");
            entry.put("owned_by", "organization_owner");
        });
        return Reply.ok(body);
    }

    /** A chat, completion or embedding call; {@code nativeV0} for the {@code /api/v0} variants. */
    Reply inference(HttpExchange exchange, InferenceEndpoint endpoint, boolean nativeV0, Cancellation call)
            throws IOException {
        ObjectNode body = HttpIo.readObject(exchange);
        engine.traced(exchange.getRequestHeaders().getFirst("traceparent"));
        boolean stream = endpoint.generatesText() && body.path("stream").asBoolean(false);
        if (stream && endpoint == InferenceEndpoint.RESPONSE) {
            // LM Studio streams Responses events; the emulator does not (yet): say so rather than pretend
            throw LmStudioErrors.badRequest("streaming /v1/responses is not emulated; send \"stream\": false", "stream");
        }
        if (stream) {
            return streamed(exchange, endpoint, body, call);
        }
        InferenceEngine.Served served = engine.serve(endpoint, body, call, instance -> { });
        return Reply.ok(switch (endpoint) {
            case CHAT -> ResponseBodies.chatCompletion(served, ResponseBodies.newId("chatcmpl-"), nativeV0);
            case COMPLETION -> ResponseBodies.textCompletion(served, ResponseBodies.newId("cmpl-"), nativeV0);
            case EMBEDDING -> ResponseBodies.embeddings(served, body.path("input"), content);
            case RESPONSE -> ResponseBodies.response(served, ResponseBodies.newId("resp_"));
        });
    }

    private Reply streamed(HttpExchange exchange, InferenceEndpoint endpoint, ObjectNode body, Cancellation call)
            throws IOException {
        StreamResponder responder = new StreamResponder(exchange, endpoint, body);
        try {
            responder.finish(engine.serve(endpoint, body, call, new InferenceEngine.Progress() {
                @Override
                public void firstToken(ModelInstance instance) {
                    responder.firstToken(instance);
                }

                @Override
                public void decoded(ContentGenerator.Completion completion, double fraction) {
                    responder.decoded(completion, fraction);
                }
            }));
        } catch (ApiException e) {
            if (!responder.started()) {
                throw e;
            }
            responder.error(e);
        }
        return Reply.written();
    }
}
