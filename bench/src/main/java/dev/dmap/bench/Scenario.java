package dev.dmap.bench;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One benchmark scenario: workers (each with its own emulated GPU), models, the requests and
 * when they arrive, and the timings, all at full scale; {@link #timeScale} shrinks every
 * duration so a run fits in minutes.
 *
 * @param name        short name, e.g. {@code a}
 * @param title       one line for the report
 * @param workers     workers, each fronting its own emulator
 * @param requests    what is submitted and when (offset from the start, full scale)
 * @param timings     the emulated hardware
 * @param maxWait     the online bound (the deadline of requests without a batch), full scale
 * @param minHold     the affinity strategy's minimum hold, full scale
 * @param loadCost    the assignor's load cost, in requests
 * @param timeScale   real seconds per emulated second
 * @param fullSize    the request count the scenario describes, for the report
 */
public record Scenario(String name, String title, int workers, List<PlannedRequest> requests, Timings timings,
        Duration maxWait, Duration minHold, long loadCost, double timeScale, int fullSize) {

    /**
     * A request to submit.
     *
     * @param customId its id
     * @param model    its model
     * @param at       when to submit it, from the start, full scale
     * @param batchId  the batch it belongs to (its deadline is the batch window), or null for an
     *                 online request (its deadline is the online bound, {@code maxWait})
     */
    public record PlannedRequest(String customId, String model, Duration at, String batchId) {
        /** The same request submitted at another time. */
        PlannedRequest at(Duration when) {
            return new PlannedRequest(customId, model, when, batchId);
        }
    }

    /**
     * The emulated hardware, full scale.
     *
     * @param load          model load time
     * @param cooldown      the worker's unload cooldown
     * @param overhead      per-request fixed time
     * @param prefillTps    prompt tokens per second
     * @param decodeTps     generated tokens per second, one stream
     * @param maxTokens     tokens generated per request
     * @param slots         parallel slots per GPU
     */
    public record Timings(Duration load, Duration cooldown, Duration overhead, double prefillTps, double decodeTps,
            int maxTokens, int slots) {
    }

    public Set<String> models() {
        Set<String> models = new TreeSet<>();
        requests.forEach(request -> models.add(request.model()));
        return models;
    }

    /** A full-scale duration in real time. */
    public Duration scaled(Duration fullScale) {
        return Duration.ofNanos((long) (fullScale.toNanos() * timeScale));
    }

    public Scenario withTimeScale(double scale) {
        return new Scenario(name, title, workers, requests, timings, maxWait, minHold, loadCost, scale, fullSize);
    }

    /** Only the first {@code count} requests, with the same timings. */
    public Scenario firstRequests(int count) {
        return new Scenario(name, title, workers, requests.subList(0, Math.min(count, requests.size())), timings, maxWait,
                minHold, loadCost, timeScale, fullSize);
    }

    /** The same work on another number of workers. */
    public Scenario withWorkers(int count, String newName) {
        return new Scenario(newName, title, count, requests, timings, maxWait, minHold, loadCost, timeScale, fullSize);
    }

    /**
     * The same requests arriving while the workers run, evenly over {@code over} (full scale),
     * instead of all submitted before they start.
     */
    public Scenario arriving(Duration over) {
        int n = requests.size();
        List<PlannedRequest> spread = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // at least 1 ms: an offset of zero means "before the workers start"
            spread.add(requests.get(i).at(Duration.ofMillis(Math.max(1, over.toMillis() * i / n))));
        }
        return new Scenario(name + "-arriving", title + ", arriving while the workers run", workers, spread, timings,
                maxWait, minHold, loadCost, timeScale, fullSize);
    }
}
