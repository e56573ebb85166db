package dev.dmap.devkit.emulator;

import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The native model listings. Field names and spellings follow LM Studio's docs exactly,
 * including the differences between versions: v0 says {@code arch} and {@code embeddings},
 * v1 says {@code architecture} and {@code embedding}, and leaves {@code architecture},
 * {@code capabilities}, {@code description} and most load settings out for embedding models.
 */
final class ModelListings {
    private static final Set<String> TOOL_TRAINED = Set.of("qwen2", "qwen3", "llama", "mistral");

    private ModelListings() {
    }

    /** One {@code /api/v0/models} entry; {@code loaded_context_length} (undocumented but real) only when loaded. */
    static ObjectNode v0(EmulatedModel model, List<ModelInstance> instances) {
        ObjectNode entry = Json.object();
        entry.put("id", model.key());
        entry.put("object", "model");
        entry.put("type", model.isEmbedding() ? "embeddings" : "llm");
        entry.put("publisher", model.publisher());
        entry.put("arch", model.architecture());
        entry.put("compatibility_type", "gguf");
        entry.put("quantization", model.quantization());
        entry.put("state", instances.isEmpty() ? "not-loaded" : "loaded");
        entry.put("max_context_length", model.maxContextLength());
        // LM Studio 0.3.16+: LLMs list their capabilities; which ones a real model has varies (assumption)
        var capabilities = entry.putArray("capabilities");
        if (!model.isEmbedding() && TOOL_TRAINED.contains(model.architecture())) {
            capabilities.add("tool_use");
        }
        if (!instances.isEmpty()) {
            entry.put("loaded_context_length", instances.get(0).config().contextLength());
        }
        return entry;
    }

    /** One {@code /api/v1/models} entry with its loaded instances. */
    static ObjectNode v1(EmulatedModel model, List<ModelInstance> instances) {
        ObjectNode entry = Json.object();
        entry.put("type", model.type());
        entry.put("publisher", model.publisher());
        entry.put("key", model.key());
        entry.put("display_name", ModelDefaults.displayName(model.key()));
        if (!model.isEmbedding()) {
            entry.put("architecture", model.architecture());
        }
        ObjectNode quantization = entry.putObject("quantization");
        quantization.put("name", model.quantization());
        quantization.put("bits_per_weight", ModelDefaults.bitsPerWeight(model.quantization()));
        entry.put("size_bytes", model.sizeBytes());
        entry.put("params_string", model.paramsString());
        ArrayNode loaded = entry.putArray("loaded_instances");
        instances.forEach(instance -> {
            ObjectNode item = loaded.addObject();
            item.put("id", instance.id());
            item.set("config", config(model, instance.config(), true));
        });
        entry.put("max_context_length", model.maxContextLength());
        entry.put("format", "gguf");
        if (!model.isEmbedding()) {
            ObjectNode capabilities = entry.putObject("capabilities");
            capabilities.put("vision", false);
            capabilities.put("trained_for_tool_use", TOOL_TRAINED.contains(model.architecture()));
            entry.putNull("description");
        }
        return entry;
    }

    /**
     * An instance's configuration: {@code context_length} always; for LLMs the llama.cpp settings,
     * and {@code parallel} when listing (the load response's {@code load_config} does not document it).
     */
    static ObjectNode config(EmulatedModel model, InstanceConfig config, boolean withParallel) {
        ObjectNode node = Json.object();
        node.put("context_length", config.contextLength());
        if (model.isEmbedding()) {
            return node;
        }
        node.put("eval_batch_size", config.evalBatchSize());
        if (withParallel) {
            node.put("parallel", config.parallel());
        }
        node.put("flash_attention", config.flashAttention());
        node.put("offload_kv_cache_to_gpu", config.offloadKvCacheToGpu());
        return node;
    }
}
