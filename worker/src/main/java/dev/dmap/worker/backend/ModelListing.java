package dev.dmap.worker.backend;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What the backend said it has, at one moment.
 *
 * @param available every model it can serve (downloaded), by exact key
 * @param loaded    the models in memory, by exact key
 * @param maxLoaded the most models the server holds at once, when it says (llama-server's
 *                  {@code --models-max}); 0 when it does not
 * @param readAt    when it was read
 * @param identities each model's identity as the backend describes it ({@link dev.dmap.schemas.CacheKeys#identity}),
 *                   by exact key; a model without one is known by its id alone
 */
public record ModelListing(Set<String> available, Map<String, LoadedModel> loaded, int maxLoaded, Instant readAt,
        Map<String, String> identities) {
    public ModelListing {
        available = Set.copyOf(available);
        loaded = Map.copyOf(loaded);
        identities = identities == null ? Map.of() : Map.copyOf(identities);
    }

    public ModelListing(Set<String> available, Map<String, LoadedModel> loaded, int maxLoaded, Instant readAt) {
        this(available, loaded, maxLoaded, readAt, Map.of());
    }

    /** The model's identity for the response cache's key, or null when the backend does not list it. */
    public String identity(String model) {
        if (!available.contains(model)) {
            return null;
        }
        return identities.getOrDefault(model, "id:" + model);
    }

    /** A listing from a server that does not say how many models it holds at most. */
    public ModelListing(Set<String> available, Map<String, LoadedModel> loaded, Instant readAt) {
        this(available, loaded, 0, readAt);
    }
}
