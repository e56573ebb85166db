package dev.dmap.worker.backend;

import dev.dmap.schemas.CacheKeys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads LM Studio's model listings. v1 ({@code /api/v1/models}, 0.4+) has a {@code models} root
 * with {@code loaded_instances[].config.{context_length,parallel}}; v0 ({@code /api/v0/models})
 * has a {@code data} root with {@code state} and the undocumented {@code loaded_context_length}.
 */
final class ModelListingParser {
    /** Context assumed when v0 does not report the loaded one: LM Studio's default load context. */
    static final int FALLBACK_CONTEXT = 4096;

    private final Clock clock;

    ModelListingParser(Clock clock) {
        this.clock = clock;
    }

    Optional<ModelListing> parseV1(HttpReply reply) {
        JsonNode models = reply.json().path("models");
        if (!models.isArray()) {
            return Optional.empty();
        }
        Set<String> available = new HashSet<>();
        Map<String, LoadedModel> loaded = new HashMap<>();
        Map<String, String> identities = new HashMap<>();
        for (JsonNode model : models) {
            String key = model.path("key").asString("");
            if (key.isEmpty()) {
                continue;
            }
            available.add(key);
            identities.put(key, CacheKeys.identity(model));
            JsonNode instances = model.path("loaded_instances");
            if (instances.isArray() && !instances.isEmpty()) {
                loaded.put(key, v1Loaded(key, model, instances));
            }
        }
        return Optional.of(new ModelListing(available, loaded, 0, clock.instant(), identities));
    }

    private static LoadedModel v1Loaded(String key, JsonNode model, JsonNode instances) {
        List<String> ids = new ArrayList<>();
        instances.forEach(instance -> ids.add(instance.path("id").asString(key)));
        JsonNode config = instances.get(0).path("config");
        int context = config.path("context_length").asInt(model.path("max_context_length").asInt(FALLBACK_CONTEXT));
        return new LoadedModel(key, ids, context, config.path("parallel").asInt(0), model.path("size_bytes").asLong(0));
    }

    Optional<ModelListing> parseV0(HttpReply reply) {
        JsonNode data = reply.json().path("data");
        if (!data.isArray()) {
            return Optional.empty();
        }
        Set<String> available = new HashSet<>();
        Map<String, LoadedModel> loaded = new HashMap<>();
        Map<String, String> identities = new HashMap<>();
        for (JsonNode model : data) {
            String id = model.path("id").asString("");
            if (id.isEmpty()) {
                continue;
            }
            available.add(id);
            identities.put(id, CacheKeys.identity(model));
            if ("loaded".equals(model.path("state").asString(""))) {
                int context = model.path("loaded_context_length")
                        .asInt(Math.min(FALLBACK_CONTEXT, model.path("max_context_length").asInt(FALLBACK_CONTEXT)));
                loaded.put(id, new LoadedModel(id, List.of(id), context, 0, 0));
            }
        }
        return Optional.of(new ModelListing(available, loaded, 0, clock.instant(), identities));
    }
}
