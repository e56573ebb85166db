package dev.dmap.worker.metrics;

import dev.dmap.schemas.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.LongSupplier;

/** The response cache's figures: decisions by result, tokens saved, and the local store's size. */
public final class CacheMetrics {
    public static final String HIT = "hit";
    public static final String MISS = "miss";
    public static final String BYPASS = "bypass";

    private final MeterRegistry registry;

    public CacheMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Reports the store's size as gauges. */
    public void watchStore(LongSupplier entries, LongSupplier bytes) {
        Gauge.builder(MetricNames.CACHE_ENTRIES, entries::getAsLong)
                .description("Entries in this worker's copy of the response cache").register(registry);
        Gauge.builder(MetricNames.CACHE_STORE_SIZE, bytes::getAsLong).baseUnit("bytes")
                .description("Stored answers in this worker's copy of the response cache").register(registry);
    }

    /** The time a request spent with the cache at intake: its key, the lookup, and a hit's result when there is one. */
    public void lookup(long nanos) {
        lookupTimer().record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private Timer lookupTimer() {
        return Timer.builder(MetricNames.CACHE_LOOKUP).description("Time a request spends with the response cache at intake")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    public void decided(String model, String result) {
        requests(model, result).increment();
    }

    /** Creates a model's series at zero, so that rate() sees its first hit. */
    void precreate(String model) {
        for (String result : java.util.List.of(HIT, MISS, BYPASS)) {
            requests(model, result);
        }
        saved(model, "prompt", 0);
        saved(model, "completion", 0);
        lookupTimer();
    }

    private Counter requests(String model, String result) {
        return Counter.builder(MetricNames.CACHE_REQUESTS).description("Requests the response cache decided on")
                .tags("model", model, "result", result).register(registry);
    }

    /** A hit: counted, with the tokens its stored answer saved. */
    public void hit(String model, Usage saved) {
        decided(model, HIT);
        saved(model, "prompt", saved.promptTokens());
        saved(model, "completion", saved.completionTokens());
    }

    private void saved(String model, String kind, long tokens) {
        Counter.builder(MetricNames.CACHE_TOKENS_SAVED).description("Tokens served from the response cache, not computed")
                .tags("model", model, "kind", kind).register(registry).increment(tokens);
    }
}
