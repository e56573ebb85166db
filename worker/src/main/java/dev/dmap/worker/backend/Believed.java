package dev.dmap.worker.backend;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the worker believes the backend holds: the loaded models as last read from it, replaced as a
 * whole (readers take no lock), and whether that belief is stale and must be read again. Written
 * under {@link ModelResidency}'s lock only.
 */
final class Believed {
    private static final Logger log = LoggerFactory.getLogger(Believed.class);
    private volatile Map<String, LoadedModel> loaded = Map.of();
    private volatile boolean stale = true;

    LoadedModel get(String model) {
        return loaded.get(model);
    }

    Set<String> models() {
        return loaded.keySet();
    }

    boolean stale() {
        return stale;
    }

    void markStale() {
        stale = true;
    }

    /** The memory each loaded model takes: its {@code size_bytes} times its loaded instances (0 when unknown). */
    Map<String, Long> memoryByModel() {
        Map<String, Long> memory = new HashMap<>();
        loaded.forEach((model, loadedModel) -> memory.put(model,
                loadedModel.sizeBytes() * Math.max(1, loadedModel.instanceIds().size())));
        return memory;
    }

    /** Reads the backend's state again: the server's context and slots, not our guess. */
    void refresh(ModelCatalogue catalogue) {
        ModelListing listing = catalogue.refresh();
        listing.loaded().values().stream().filter(m -> m.instanceIds().size() > 1).forEach(m ->
                log.warn("Model {} is loaded {} times ({}); something else loaded it again", m.model(),
                        m.instanceIds().size(), m.instanceIds()));
        loaded = listing.loaded();
        stale = false;
    }

    void add(LoadedModel model) {
        Map<String, LoadedModel> with = new HashMap<>(loaded);
        with.put(model.model(), model);
        loaded = Map.copyOf(with);
    }

    void remove(String model) {
        Map<String, LoadedModel> without = new HashMap<>(loaded);
        without.remove(model);
        loaded = Map.copyOf(without);
    }

    int size() {
        return loaded.size();
    }
}
