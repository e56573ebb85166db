package dev.dmap.worker.backend;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What the backend said it has, at one moment.
 *
 * @param available every model it can serve (downloaded), by exact key
 * @param loaded    the models in memory, by exact key
 * @param readAt    when it was read
 */
public record ModelListing(Set<String> available, Map<String, LoadedModel> loaded, Instant readAt) {
    public ModelListing {
        available = Set.copyOf(available);
        loaded = Map.copyOf(loaded);
    }
}
