package dev.dmap.worker.metrics;

import dev.dmap.schemas.Request;
import dev.dmap.worker.backend.ResidencyListener;
import dev.dmap.worker.backend.RetryableFailure;
import dev.dmap.worker.pipeline.PipelineListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** The worker's meters. Thread-safe; gauges read values the poll loop publishes here. */
public final class WorkerMetrics implements ResidencyListener, PipelineListener {
    /** SLO buckets for request latency: sub-second chat turns to multi-minute generations. */
    private static final Duration[] LATENCY_SLOS = {
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(1500), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(5)};
    /** Buckets for model loads: a small model from NVMe to a large one from a busy disk. */
    private static final Duration[] LOAD_SLOS = {
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(2), Duration.ofMinutes(5)};

    private final MeterRegistry registry;
    private final TokenMetrics tokens;
    private final Map<String, AtomicLong> queueDepth = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private volatile java.util.function.BooleanSupplier backendUsable = () -> true;
    private final Map<String, AtomicInteger> loaded = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> slots = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> windows = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> memory = new ConcurrentHashMap<>();
    private volatile Predicate<String> listed = model -> true;
    /** Models whose swap, load and cache series exist at zero. Only the poll thread adds to it. */
    private final Set<String> precreated = ConcurrentHashMap.newKeySet();

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.tokens = new TokenMetrics(registry);
        Gauge.builder(MetricNames.BACKEND_UP, () -> backendUsable.getAsBoolean() ? 1 : 0)
                .description("1 while the backend answers, 0 while the worker waits for it").register(registry);
        for (RetryableFailure.Reason reason : RetryableFailure.Reason.values()) {
            retries(reason); // every reason reads 0 from the start, so rate() and alerts see the series
        }
        for (String reason : DUPLICATE_REASONS) {
            duplicates(reason);
        }
    }

    /** Why a fetched record was skipped as already ended; see {@link MetricNames#DUPLICATES_SKIPPED}. */
    static final java.util.List<String> DUPLICATE_REASONS = java.util.List.of("redelivery", "batch_ended");

    /** The response cache's figures, in the same registry. */
    public CacheMetrics cache() {
        return new CacheMetrics(registry);
    }

    /**
     * A request has its outcome.
     *
     * @param status   {@code success} or the error code
     * @param served   from the moment a slot took it to its outcome, or null when it took no slot (a cache hit)
     * @param endToEnd from its submission to its outcome, or null when unknown
     */
    public void requestFinished(String model, String status, Duration served, Duration endToEnd) {
        if (served != null) {
            latency(MetricNames.REQUEST_DURATION, "Time from the moment a slot takes a request to its outcome", model, status)
                    .record(served);
        }
        if (endToEnd != null && !endToEnd.isNegative()) {
            latency(MetricNames.REQUEST_END_TO_END, "Time from a request's submission to its outcome", model, status)
                    .record(endToEnd);
        }
    }

    private Timer latency(String name, String description, String model, String status) {
        return Timer.builder(name).description(description).tags("model", model, "status", status)
                .serviceLevelObjectives(LATENCY_SLOS).register(registry);
    }

    /** A slot of {@code model} was busy this long (serving a request, whatever its outcome). */
    public void slotBusy(String model, Duration busy) {
        Counter.builder(MetricNames.SLOT_BUSY).baseUnit("seconds")
                .description("Seconds slots spent serving; the rate is the average number of busy slots")
                .tag("model", model).register(registry).increment(busy.toNanos() / 1e9);
    }

    /**
     * What the backend holds now: the parallel slots and the memory of each loaded model; models
     * not listed read 0.
     */
    public void loadedModels(Map<String, Integer> slotsByModel, Map<String, Long> memoryByModel) {
        slotsByModel.keySet().forEach(model -> {
            gauge(loaded, MetricNames.MODEL_LOADED, "1 while the model is loaded on this worker's backend", model);
            gauge(slots, MetricNames.SLOTS, "Parallel slots of a loaded model", model);
            memory.computeIfAbsent(model, m -> {
                AtomicLong value = new AtomicLong();
                Gauge.builder(MetricNames.MODEL_MEMORY, value, AtomicLong::get).baseUnit("bytes")
                        .description("Memory a loaded model takes (LM Studio's size_bytes)").tag("model", m).register(registry);
                return value;
            });
        });
        loaded.forEach((model, value) -> value.set(slotsByModel.containsKey(model) ? 1 : 0));
        slots.forEach((model, value) -> value.set(slotsByModel.getOrDefault(model, 0)));
        memory.forEach((model, value) -> value.set(memoryByModel.getOrDefault(model, 0L)));
    }

    private AtomicInteger gauge(Map<String, AtomicInteger> values, String name, String description, String model) {
        return values.computeIfAbsent(model, m -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder(name, value, AtomicInteger::get).description(description).tag("model", m).register(registry);
            return value;
        });
    }

    public void deadLetter(String model, String code) {
        Counter.builder(MetricNames.DEAD_LETTERS).description("Dead letters published")
                .tags("model", model == null ? "unknown" : model, "code", code).register(registry).increment();
    }

    /** A fetched record that had its terminal record already (see {@link MetricNames#DUPLICATES_SKIPPED}). */
    public void duplicateSkipped(String reason) {
        duplicates(reason).increment();
    }

    private Counter duplicates(String reason) {
        return Counter.builder(MetricNames.DUPLICATES_SKIPPED).description("Fetched records skipped because they had ended already")
                .tag("reason", reason).register(registry);
    }

    /** {@code dmap_backend_up} reads this: 1 while the backend is usable ({@link dev.dmap.worker.backend.BackendState#usable}). */
    public void watchBackend(java.util.function.BooleanSupplier usable) {
        backendUsable = usable;
    }

    /**
     * Sets the queue depth of a model; the gauge appears on first use, and the model's swap, load
     * and cache series once the backend lists it (checked on every call, so a model downloaded
     * later gets them too).
     */
    public void queueDepth(String model, long depth) {
        queueDepth.computeIfAbsent(model, m -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(MetricNames.QUEUE_DEPTH, value, AtomicLong::get)
                    .description("Requests waiting for this worker, per model").tag("model", m).register(registry);
            return value;
        }).set(depth);
        if (!precreated.contains(model) && listed.test(model)) {
            registerSwapsAndLoads(model);
        }
    }

    /**
     * Limits the series created at zero to the models {@code listed} accepts (those the backend
     * lists), so a topic for a model nobody serves adds no swap, load or cache series.
     */
    public void precreateOnlyFor(Predicate<String> listed) {
        this.listed = listed;
    }

    /**
     * Creates, at zero, the load timer and cache counters of a model just seen and the swap
     * counters between it and the models seen before: Prometheus's increase() cannot see a series that is born at 1, so the
     * first swap between two models would otherwise be missing from the dashboard and the alert.
     */
    private void registerSwapsAndLoads(String model) {
        loadTimer(model);
        cache(model, true);
        cache(model, false);
        cache().precreate(model);
        swaps(null, model);
        precreated.forEach(other -> {
            swaps(other, model);
            swaps(model, other);
        });
        precreated.add(model);
    }

    private Counter swaps(String replaced, String model) {
        return Counter.builder(MetricNames.MODEL_SWAPS).description("Model loads, by the model they replaced")
                .tags("from", replaced == null ? "none" : replaced, "to", model).register(registry);
    }

    private Timer loadTimer(String model) {
        return Timer.builder(MetricNames.MODEL_LOAD_DURATION).description("Model load calls")
                .tag("model", model).serviceLevelObjectives(LOAD_SLOS).register(registry);
    }

    /** The requests {@code model} may have in flight now: its slots, or the window found where the server reports none. */
    public void window(String model, int window) {
        gauge(windows, MetricNames.WINDOW, "Requests of the model that may be in flight now", model).set(window);
    }

    public void inFlight(String model, int count) {
        gauge(inFlight, MetricNames.IN_FLIGHT, "Requests being served now, per model", model).set(count);
    }

    @Override
    public void loaded(String model, String replaced, Duration took) {
        swaps(replaced, model).increment();
        loadTimer(model).record(took);
    }

    @Override
    public void acquired(String model, boolean resident) {
        cache(model, resident).increment();
    }

    private Counter cache(String model, boolean hit) {
        return Counter.builder(hit ? MetricNames.MODEL_CACHE_HITS : MetricNames.MODEL_CACHE_MISSES)
                .description(hit ? "Requests whose model was in memory when they reached a slot"
                        : "Requests that loaded their model or waited for its load")
                .tag("model", model).register(registry);
    }

    @Override
    public void retried(String model, RetryableFailure failure) {
        retries(failure.reason()).increment();
    }

    private Counter retries(RetryableFailure.Reason reason) {
        return Counter.builder(MetricNames.RETRIES).description("Backend calls that failed and were retried")
                .tag("reason", reason.tag()).register(registry);
    }

    @Override
    public void served(Request request, JsonNode body, int estimatedPrompt) {
        tokens.served(request, body, estimatedPrompt);
    }
}
