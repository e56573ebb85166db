package dev.dmap.worker.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Which of its fetched records a worker serves next.
 *
 * @param strategy    the dispatch strategy
 * @param maxWait     the online bound: the deadline of a request submitted without a window or a
 *                    deadline of its own (from kcat, say) is its submission plus this; the worker
 *                    swaps to its model in time to meet it (after {@code minHold})
 * @param minHold     affinity: a model swapped in is served at least this long before a
 *                    starving model may take its place, so swaps cannot thrash
 * @param prefetch    affinity: records fetched per partition of a model not being served, enough
 *                    to know how long it has waited; the rest stay in Kafka
 * @param loadCost    affinity, across workers: what a model load costs, in requests a worker could
 *                    have served in that time (load time x slots / service time). The assignor
 *                    adds it to a worker's cost for a model it does not hold, and splits a model
 *                    over an idle worker only when it has twice that many requests waiting.
 * @param drainGrace  affinity: a served model must stay drained this long before another model
 *                    takes its place, since the last records of a batch may still be arriving
 * @param batchWindow the completion window of a batch submitted without one: its requests' deadline
 *                    is the batch's submission plus this
 */
public record SchedulingSettings(Strategy strategy, Duration maxWait, Duration minHold, int prefetch,
        long loadCost, Duration drainGrace, Duration batchWindow) {

    /** Dispatch strategies. */
    public enum Strategy {
        /**
         * Arrival order over every assigned partition, swapping models whenever the next record's
         * model differs: the naive baseline every benchmark compares against.
         */
        FIFO,
        /** Serve the loaded model; swap when it is drained or another model's deadline would be missed. */
        AFFINITY
    }

    public static final Strategy DEFAULT_STRATEGY = Strategy.AFFINITY;
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMinutes(2);
    public static final Duration DEFAULT_MIN_HOLD = Duration.ofSeconds(30);
    public static final int DEFAULT_PREFETCH = 2;
    public static final long DEFAULT_LOAD_COST = 100;
    public static final Duration DEFAULT_DRAIN_GRACE = Duration.ofMillis(250);
    public static final Duration DEFAULT_BATCH_WINDOW = Duration.ofHours(24);

    public SchedulingSettings {
        Objects.requireNonNull(strategy, "strategy");
        Durations.requirePositive(maxWait, "maxWait");
        Durations.requireNonNegative(minHold, "minHold");
        if (prefetch < 1) {
            throw new IllegalArgumentException("prefetch must be at least 1");
        }
        Durations.requireNonNegative(drainGrace, "drainGrace");
        Durations.requirePositive(batchWindow, "batchWindow");
        if (loadCost < 1) {
            throw new IllegalArgumentException("loadCost must be at least 1 request");
        }
    }

    /** Settings from values that may be missing (null, as Spring binds an absent key): each missing value takes its default. */
    public static SchedulingSettings of(Strategy strategy, Duration maxWait, Duration minHold, Integer prefetch, Long loadCost,
            Duration drainGrace, Duration batchWindow) {
        return new SchedulingSettings(or(strategy, DEFAULT_STRATEGY), or(maxWait, DEFAULT_MAX_WAIT), or(minHold, DEFAULT_MIN_HOLD),
                or(prefetch, DEFAULT_PREFETCH), or(loadCost, DEFAULT_LOAD_COST), or(drainGrace, DEFAULT_DRAIN_GRACE),
                or(batchWindow, DEFAULT_BATCH_WINDOW));
    }

    public static SchedulingSettings defaults() {
        return of(null, null, null, null, null, null, null);
    }

    public static SchedulingSettings of(Strategy strategy) {
        return of(strategy, null, null, null, null, null, null);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }


    public SchedulingSettings withStrategy(Strategy newStrategy) {
        return new SchedulingSettings(newStrategy, maxWait, minHold, prefetch, loadCost, drainGrace, batchWindow);
    }

    public SchedulingSettings withMaxWait(Duration newMaxWait, Duration newMinHold) {
        return new SchedulingSettings(strategy, newMaxWait, newMinHold, prefetch, loadCost, drainGrace, batchWindow);
    }

    public SchedulingSettings withDrainGrace(Duration newDrainGrace) {
        return new SchedulingSettings(strategy, maxWait, minHold, prefetch, loadCost, newDrainGrace, batchWindow);
    }

    public SchedulingSettings withLoadCost(long newLoadCost) {
        return new SchedulingSettings(strategy, maxWait, minHold, prefetch, newLoadCost, drainGrace, batchWindow);
    }

    public SchedulingSettings withBatchWindow(Duration newBatchWindow) {
        return new SchedulingSettings(strategy, maxWait, minHold, prefetch, loadCost, drainGrace, newBatchWindow);
    }
}
