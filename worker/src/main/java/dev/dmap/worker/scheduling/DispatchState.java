package dev.dmap.worker.scheduling;

import java.util.Set;

/** What a strategy may know about the worker when it picks the next record. */
public interface DispatchState {
    /** Requests of {@code model} being served now. */
    int inFlight(String model);

    /** How many requests of {@code model} may be in flight at once: the backend's parallel slots. */
    int slots(String model);

    /** Models with at least one request in flight. */
    Set<String> busyModels();

    /** How many models the backend can hold at once. */
    int maxLoadedModels();

    /** Requests of {@code model} in this worker's partitions not fetched yet (consumer lag). */
    default long lag(String model) {
        return 0;
    }

    /** When the worker last fetched a request of {@code model}; {@link java.time.Instant#MIN} if never. */
    default java.time.Instant lastArrival(String model) {
        return java.time.Instant.MIN;
    }

    /**
     * Whether the backend's last model listing lacks {@code model}: its requests end as
     * model_not_found without a load or a call, so they need no turn of the GPU.
     */
    default boolean isMissing(String model) {
        return false;
    }

    /** Whether the backend holds {@code model} now (serving it costs no load). */
    default boolean isLoaded(String model) {
        return false;
    }
}
