package dev.dmap.worker.scheduling;

import java.util.Optional;

/**
 * The naive baseline: strict submission order over every assigned partition. When the oldest
 * record needs another model, it waits until the busy model drains and then swaps, whatever
 * else is waiting. On an interleaved workload it swaps on nearly every request, which is what
 * model-aware scheduling is measured against.
 */
public final class FifoStrategy implements DispatchStrategy {

    @Override
    public <T extends Schedulable> Optional<T> next(WorkQueue<T> queue, DispatchState state) {
        Optional<T> head = queue.oldest();
        if (head.isEmpty()) {
            return Optional.empty();
        }
        String model = head.get().model();
        if (state.inFlight(model) >= state.slots(model)) {
            return Optional.empty();
        }
        boolean needsAnotherModel = !state.busyModels().contains(model);
        if (needsAnotherModel && state.busyModels().size() >= state.maxLoadedModels()) {
            return Optional.empty();
        }
        queue.remove(head.get());
        return head;
    }
}
