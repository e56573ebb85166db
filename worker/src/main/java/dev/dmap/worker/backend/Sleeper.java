package dev.dmap.worker.backend;

import java.time.Duration;

/** Waits; injected so that tests of cooldowns and backoff do not sleep. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

    void sleep(Duration duration) throws InterruptedException;
}
