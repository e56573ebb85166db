package dev.dmap.devkit.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * LM Studio's native REST surface: the v0 and v1 model listings, and the v1 load and unload
 * calls. Loads are synchronous: the answer arrives when the (simulated) load has finished.
 */
final class NativeEndpoints {
    /** The fields LM Studio's load endpoint documents (docs: load.md). */
    static final Set<String> LOAD_FIELDS = Set.of("model", "context_length", "eval_batch_size", "flash_attention",
            "num_experts", "offload_kv_cache_to_gpu", "echo_load_config");

    private final EmulatorConfig config;
    private final EmulatedResidency residency;
    private final ModelLoader loader;

    NativeEndpoints(EmulatorConfig config, EmulatedResidency residency, ModelLoader loader) {
        this.config = config;
        this.residency = residency;
        this.loader = loader;
    }

    /** {@code GET /api/v0/models}: every downloaded model with its state. */
    Reply v0Models() {
        ObjectNode body = Json.object();
        body.put("object", "list");
        body.set("data", listing(ModelListings::v0));
        return Reply.ok(body);
    }

    /** {@code GET /api/v0/models/{id}}; ids may contain {@code /}. */
    Reply v0Model(String modelKey) {
        EmulatedModel model = config.model(modelKey);
        if (model == null) {
            throw LmStudioErrors.notFound("Model \"" + modelKey + "\" not found.", "model");
        }
        return Reply.ok(ModelListings.v0(model, instancesOf(model)));
    }

    /** {@code GET /api/v1/models}: root {@code models}, with each model's loaded instances. */
    Reply v1Models() {
        ObjectNode body = Json.object();
        body.set("models", listing(ModelListings::v1));
        return Reply.ok(body);
    }

    /**
     * {@code POST /api/v1/models/load}. Always creates a new instance, even when the model is
     * already loaded ({@code key:2}), as LM Studio does. Only the documented fields are accepted;
     * any other ({@code parallel}, {@code ttl}, a nested {@code config}) is refused, as LM Studio
     * refuses unrecognised fields (lmstudio-bug-tracker#2024).
     */
    Reply load(HttpExchange exchange, Cancellation call) throws IOException {
        ObjectNode body = HttpIo.readObject(exchange);
        List<String> unknown = body.propertyNames().stream().filter(key -> !LOAD_FIELDS.contains(key)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw LmStudioErrors.unrecognizedKeys(unknown);
        }
        EmulatedModel model = requireModel(body);
        InstanceConfig instanceConfig = requestedConfig(model, body);
        ModelLoader.Loaded loaded = loader.load(model, instanceConfig, false, call);
        ObjectNode answer = Json.object();
        answer.put("type", model.type());
        answer.put("instance_id", loaded.instance().id());
        answer.put("load_time_seconds", Math.round(loaded.loadTime().toNanos() / 1e6) / 1000.0);
        answer.put("status", "loaded");
        if (body.path("echo_load_config").asBoolean(false)) {
            answer.set("load_config", ModelListings.config(model, instanceConfig, false));
        }
        return Reply.ok(answer);
    }

    /** {@code POST /api/v1/models/unload}: calls in flight on the instance fail with "Model unloaded". */
    Reply unload(HttpExchange exchange) throws IOException {
        ObjectNode body = HttpIo.readObject(exchange);
        String instanceId = Json.text(body, "instance_id");
        if (instanceId == null) {
            throw LmStudioErrors.badRequest("'instance_id' is required and must be a string", "instance_id");
        }
        if (!loader.unload(instanceId)) {
            throw LmStudioErrors.notFound("No loaded model instance with id \"" + instanceId + "\".", "instance_id");
        }
        ObjectNode answer = Json.object();
        answer.put("instance_id", instanceId);
        return Reply.ok(answer);
    }

    private EmulatedModel requireModel(JsonNode body) {
        String key = Json.text(body, "model");
        if (key == null) {
            throw LmStudioErrors.badRequest("'model' is required and must be a string", "model");
        }
        EmulatedModel model = config.model(key);
        if (model == null) {
            throw LmStudioErrors.notFound("Model \"" + key + "\" not found. Download it first.", "model");
        }
        return model;
    }

    private InstanceConfig requestedConfig(EmulatedModel model, ObjectNode body) {
        JsonNode source = body;
        InstanceConfig defaults = loader.defaultConfig(model);
        int context = defaults.contextLength();
        JsonNode requested = source.path("context_length");
        if (!requested.isMissingNode() && !requested.isNull()) {
            if (!requested.canConvertToExactIntegral() || requested.asInt() < 1 || requested.asInt() > model.maxContextLength()) {
                throw LmStudioErrors.badRequest("'context_length' must be a whole number from 1 to "
                        + model.maxContextLength() + " for " + model.key(), "context_length");
            }
            context = requested.asInt();
        }
        return new InstanceConfig(context, defaults.parallel(),
                source.path("eval_batch_size").asInt(defaults.evalBatchSize()),
                source.path("flash_attention").asBoolean(defaults.flashAttention()),
                source.path("offload_kv_cache_to_gpu").asBoolean(defaults.offloadKvCacheToGpu()));
    }

    private ArrayNode listing(BiFunction<EmulatedModel, List<ModelInstance>, ObjectNode> render) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        config.models().forEach(model -> array.add(render.apply(model, instancesOf(model))));
        return array;
    }

    private List<ModelInstance> instancesOf(EmulatedModel model) {
        return residency.ready().stream().filter(i -> i.model().equals(model)).toList();
    }
}
