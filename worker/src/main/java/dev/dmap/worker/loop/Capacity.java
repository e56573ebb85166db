package dev.dmap.worker.loop;

import java.util.Set;

/**
 * What the GPU can take now, as the dispatcher weighs it: the loaded models, each model's
 * parallel slots, the models the backend offers, and how many models may be loaded at once.
 * {@link GpuCapacity} reads them from the backend's state; tests give their own.
 */
public interface Capacity {
    /** Requests the model may have in flight now. */
    int slots(String model);

    /** A request of {@code model} left its slot; {@code windowFull} when its slots were all taken and more waited. */
    default void finished(String model, boolean windowFull) {
    }

    boolean isLoaded(String model);

    /** Known to be missing from the backend's last listing (unknown before the first listing). */
    boolean isMissing(String model);

    Set<String> loadedModels();

    /** The models the backend's last listing offers (it can load or serve them); empty before the first listing. */
    Set<String> availableModels();

    int maxLoadedModels();

    /** Model loads since start. */
    long loadCount();

    /** The loads of the last hour and the time they took. */
    default dev.dmap.worker.backend.LoadHistory.Summary loadsLastHour() {
        return dev.dmap.worker.backend.LoadHistory.Summary.NONE;
    }
}
