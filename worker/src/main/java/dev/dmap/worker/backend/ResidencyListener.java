package dev.dmap.worker.backend;

import java.time.Duration;

/** Told about every load and unload the worker performs (metrics, logs, worker status). */
public interface ResidencyListener {
    /**
     * A model was loaded.
     *
     * @param model    the loaded model
     * @param replaced the model unloaded to make room for it, or null when there was room
     * @param took     how long the load call took
     */
    default void loaded(String model, String replaced, Duration took) {
    }

    default void unloaded(String model) {
    }

    /**
     * A request took a lease on {@code model}.
     *
     * @param resident true when the model was in memory and nothing had to be loaded or waited for
     *                 (a hit of the model cache); false when this request loaded it or waited for a load
     */
    default void acquired(String model, boolean resident) {
    }
}
