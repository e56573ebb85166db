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
 */
public record ModelListing(Set<String> available, Map<String, LoadedModel> loaded, int maxLoaded, Instant readAt) {
    public ModelListing {
        available = Set.copyOf(available);
        loaded = Map.copyOf(loaded);
    }

    /** A listing from a server that does not say how many models it holds at most. */
    public ModelListing(Set<String> available, Map<String, LoadedModel> loaded, Instant readAt) {
        this(available, loaded, 0, readAt);
    }
}
