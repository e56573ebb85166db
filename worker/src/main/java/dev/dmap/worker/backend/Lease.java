package dev.dmap.worker.backend;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A promise that a model stays loaded while a request uses it: the worker never unloads a model
 * with an open lease. Close it when the request is done; closing twice is harmless.
 */
public final class Lease implements AutoCloseable {
    private final LoadedModel model;
    private final Duration waited;
    private final Runnable release;
    private final AtomicBoolean open = new AtomicBoolean(true);

    Lease(LoadedModel model, Duration waited, Runnable release) {
        this.model = model;
        this.waited = waited;
        this.release = release;
    }

    public LoadedModel model() {
        return model;
    }

    /** How long acquiring it took (a model load, a cooldown, waiting for room). */
    public Duration waited() {
        return waited;
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            release.run();
        }
    }
}
