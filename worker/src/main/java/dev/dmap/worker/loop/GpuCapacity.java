package dev.dmap.worker.loop;

import dev.dmap.worker.backend.ModelCatalogue;
import dev.dmap.worker.backend.ModelListing;
import dev.dmap.worker.backend.ModelResidency;
import dev.dmap.worker.scheduling.AdaptiveWindow;
import java.util.Set;

/** The {@link Capacity} of the worker's backend: its residency, its listing, and the adaptive window narrowing each model's slots. */
public record GpuCapacity(ModelResidency residency, ModelCatalogue catalogue, AdaptiveWindow window) implements Capacity {

    /** The residency's bound: the configured one, or the server's when it holds fewer. */
    @Override
    public int maxLoadedModels() {
        return residency.maxLoadedModels();
    }

    @Override
    public int slots(String model) {
        return window.limit(model, residency.slotsFor(model), !residency.reportsSlots());
    }

    @Override
    public void finished(String model, boolean windowFull) {
        window.finished(model, windowFull);
    }

    @Override
    public boolean isLoaded(String model) {
        return residency.loadedModels().contains(model);
    }

    @Override
    public boolean isMissing(String model) {
        ModelListing listing = catalogue.lastKnown();
        return listing != null && !listing.available().contains(model);
    }

    @Override
    public Set<String> loadedModels() {
        return residency.loadedModels();
    }

    @Override
    public Set<String> availableModels() {
        ModelListing listing = catalogue.lastKnown();
        return listing == null ? Set.of() : Set.copyOf(listing.available());
    }

    @Override
    public long loadCount() {
        return residency.loadCount();
    }

    @Override
    public dev.dmap.worker.backend.LoadHistory.Summary loadsLastHour() {
        return residency.loadsLastHour();
    }
}
