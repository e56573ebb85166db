package dev.dmap.gateway.batches;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A {@link Scheduler} a test runs by hand: it keeps each task and the delay it was given. */
final class ManualScheduler implements Scheduler {
    final List<Duration> delays = new ArrayList<>();
    private final Deque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void schedule(Runnable task, Duration delay) {
        delays.add(delay);
        tasks.add(task);
    }

    /** Runs the tasks due, and those they schedule, until none is left. */
    void runAll() {
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
    }

    boolean idle() {
        return tasks.isEmpty();
    }
}
