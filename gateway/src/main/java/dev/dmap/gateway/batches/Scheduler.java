package dev.dmap.gateway.batches;

import java.time.Duration;

/** Runs work later, on the gateway's background threads ({@code app} wires an executor; tests run it by hand). */
@FunctionalInterface
public interface Scheduler {
    void schedule(Runnable task, Duration delay);
}
