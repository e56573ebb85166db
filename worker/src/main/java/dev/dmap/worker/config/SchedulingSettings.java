package dev.dmap.worker.config;

import java.util.Objects;

/**
 * Which of its fetched records a worker serves next.
 *
 * @param strategy the dispatch strategy
 */
public record SchedulingSettings(Strategy strategy) {

    /** Dispatch strategies. */
    public enum Strategy {
        /**
         * Arrival order over every assigned partition, swapping models whenever the next record's
         * model differs: the naive baseline every benchmark compares against.
         */
        FIFO
    }

    public static final Strategy DEFAULT_STRATEGY = Strategy.FIFO;

    public SchedulingSettings {
        Objects.requireNonNull(strategy, "strategy");
    }

    public static SchedulingSettings defaults() {
        return new SchedulingSettings(DEFAULT_STRATEGY);
    }
}
