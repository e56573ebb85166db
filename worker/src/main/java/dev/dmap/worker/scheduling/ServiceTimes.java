package dev.dmap.worker.scheduling;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * What serving costs, as measured on this worker: per model, how long one request holds a slot
 * and how long a swap to the model takes (the unload cooldown and the load, as the requests that
 * waited for it saw them). Until a model's cost is measured, the mean of the others stands in,
 * and for swaps, the prior the worker was configured with (also their floor). Not thread-safe: the dispatcher
 * calls it under its lock.
 */
public final class ServiceTimes {
    /** How much one new measurement moves a service time. */
    private static final double WEIGHT = 0.1;

    private final Duration priorSwap;
    private final Map<String, Double> serviceMillis = new HashMap<>();
    private final Map<String, Double> swapMillis = new HashMap<>();

    /** What a swap is assumed to cost before one is measured: the unload cooldown plus 5% of the online bound. */
    public static Duration priorSwapCost(Duration onlineBound, Duration cooldown) {
        Duration lead = cooldown.plus(onlineBound.dividedBy(20));
        return lead.compareTo(onlineBound) > 0 ? onlineBound : lead;
    }

    /** @param priorSwap what a swap is assumed to cost before one was measured */
    public ServiceTimes(Duration priorSwap) {
        this.priorSwap = priorSwap;
    }

    /**
     * A request of {@code model} ended.
     *
     * @param backend how long the backend took to answer it
     * @param load    how long it waited for its model to be loaded (cooldown included), 0 if it did not
     */
    public void served(String model, Duration backend, Duration load) {
        serviceMillis.merge(model, (double) backend.toMillis(), (old, now) -> old + WEIGHT * (now - old));
        if (!load.isZero()) {
            // a request that arrived mid-load saw less of it than the one that started it: lean high
            swapMillis.merge(model, (double) load.toMillis(), (old, now) -> now >= old ? now : old + WEIGHT * (now - old));
        }
    }

    /** How long one request of {@code model} holds a slot; zero while nothing was measured. */
    public Duration serviceTime(String model) {
        return millis(serviceMillis, model, Duration.ZERO);
    }

    /**
     * How long it takes before a request of {@code model} can start once the worker swaps to it;
     * never less than the prior, which holds the unload cooldown that a first load (into an empty
     * GPU) did not pay.
     */
    public Duration swapCost(String model) {
        Duration measured = millis(swapMillis, model, priorSwap);
        return measured.compareTo(priorSwap) < 0 ? priorSwap : measured;
    }

    private static Duration millis(Map<String, Double> measured, String model, Duration fallback) {
        Double own = measured.get(model);
        if (own != null) {
            return Duration.ofMillis(Math.round(own));
        }
        return measured.isEmpty() ? fallback
                : Duration.ofMillis(Math.round(measured.values().stream().mapToDouble(Double::doubleValue).average().orElse(0)));
    }
}
