package dev.dmap.worker.scheduling;

import java.util.Optional;

/**
 * Picks which waiting record to start next. Called under the dispatcher's lock, repeatedly,
 * until it returns empty, from the poll thread and from worker threads as requests finish; it
 * must be fast and must not block. A strategy must never start a model while
 * {@link DispatchState#maxLoadedModels()} other models are busy: the backend would have to
 * unload a model that is generating.
 */
public interface DispatchStrategy {
    <T extends Schedulable> Optional<T> next(WorkQueue<T> queue, DispatchState state);

    /**
     * Whether records of {@code model} should keep being fetched. A strategy that serves one
     * model at a time fetches only a few records of the others (enough to know how long they
     * have waited) and leaves the rest in Kafka.
     */
    default boolean isServing(String model) {
        return true;
    }

    /**
     * A started request ended: how long the backend took and how long it waited for its model's
     * load, for strategies that weigh the cost of work and of swaps.
     */
    default void served(String model, java.time.Duration backend, java.time.Duration load) {
    }

    /** The models being served now, for the worker's status. */
    default java.util.Set<String> servingModels(DispatchState state) {
        return java.util.Set.copyOf(state.busyModels());
    }
}
