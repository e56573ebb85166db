package dev.dmap.worker.scheduling;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long a model's remaining work (waiting, in Kafka, in flight) takes on its slots, by its measured
 * service time: whether it ends before a deadline, and whether it still meets its own after a detour.
 */
final class RemainingWork {
    private final ServiceTimes times;

    RemainingWork(ServiceTimes times) {
        this.times = times;
    }

    /**
     * Whether the model's remaining work ends by {@code instant}; never, as far as it knows, while its
     * service time is not measured yet.
     */
    <T extends Schedulable> boolean finishesBy(WorkQueue<T> queue, DispatchState state, String model, Instant instant,
            Instant now) {
        if (remaining(queue, state, model) > 0 && times.serviceTime(model).isZero()) {
            return false;
        }
        return !now.plus(of(queue, state, model)).isAfter(instant);
    }

    /**
     * The budget of a swap for priority (an interactive call for another model): it is made only if
     * the served model's waiting work still meets its earliest deadline after the detour (the swap
     * there, the target's waiting work, the swap back). Otherwise the higher priority waits for its
     * own deadline, like any other model.
     */
    <T extends Schedulable> boolean detourKeepsDeadline(WorkQueue<T> queue, DispatchState state, String served, String target,
            Instant now) {
        Optional<T> head = queue.head(served);
        if (head.isEmpty()) {
            return true;
        }
        Duration detour = times.swapCost(target).plus(times.swapCost(served)).plus(times.serviceTime(target)
                .multipliedBy(queue.size(target)).dividedBy(Math.max(1, state.slots(target))));
        return !now.plus(detour).plus(of(queue, state, served)).isAfter(head.get().deadline());
    }

    private <T extends Schedulable> Duration of(WorkQueue<T> queue, DispatchState state, String model) {
        return times.serviceTime(model).multipliedBy(remaining(queue, state, model)).dividedBy(Math.max(1, state.slots(model)));
    }

    private static <T extends Schedulable> long remaining(WorkQueue<T> queue, DispatchState state, String model) {
        return queue.size(model) + state.lag(model) + state.inFlight(model);
    }
}
