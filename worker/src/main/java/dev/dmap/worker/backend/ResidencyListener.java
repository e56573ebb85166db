package dev.dmap.worker.backend;

import java.time.Duration;

/** Told about every load and unload the worker performs (metrics, logs, worker status). */
public interface ResidencyListener {
    ResidencyListener NONE = new ResidencyListener() {
    };

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
}
