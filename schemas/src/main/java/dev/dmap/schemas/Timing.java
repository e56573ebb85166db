package dev.dmap.schemas;

/**
 * Where a request's time went, in milliseconds.
 *
 * @param queuedMs  from {@code submitted_at} (or the worker's fetch, without it) to the start of work
 * @param loadMs    waiting for the model to load
 * @param backendMs in backend calls, retries and backoff included
 */
public record Timing(long queuedMs, long loadMs, long backendMs) {
    public static final Timing NONE = new Timing(0, 0, 0);
}
