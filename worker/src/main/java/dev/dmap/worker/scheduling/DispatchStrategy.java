package dev.dmap.worker.scheduling;

import java.util.Optional;

/**
 * Picks which waiting record to start next. Called on the poll thread, repeatedly, until it
 * returns empty; it must be fast and must not block. A strategy must never start a model while
 * {@link DispatchState#maxLoadedModels()} other models are busy: the backend would have to
 * unload a model that is generating.
 */
public interface DispatchStrategy {
    <T extends Schedulable> Optional<T> next(WorkQueue<T> queue, DispatchState state);
}
