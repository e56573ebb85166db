package dev.dmap.worker.metrics;

/**
 * Every metric the worker exposes, in Micrometer's dotted form; the Prometheus names (with unit
 * and {@code _total} suffixes) are in docs/metrics.md. The first two are the DMAP article's.
 */
public final class MetricNames {
    /**
     * Timer {model,status}: from the moment a slot takes the request to its outcome (model load and
     * retries included); status is {@code success} or the error code.
     */
    public static final String REQUEST_DURATION = "dmap.request.duration";
    /** Timer {model,status}: from submission ({@code submitted_at}, else the record's timestamp) to the outcome. */
    public static final String REQUEST_END_TO_END = "dmap.request.end.to.end";
    /** Gauge {model}: requests waiting for this worker: unfetched lag plus fetched but unfinished. */
    public static final String QUEUE_DEPTH = "dmap.queue.depth";
    /** Counter {from,to}: model swaps; from is {@code none} when there was room. */
    public static final String MODEL_SWAPS = "dmap.model.swaps";
    /** Timer {model}: model load calls. */
    public static final String MODEL_LOAD_DURATION = "dmap.model.load.duration";
    /** Gauge {model}: 1 while the model is loaded on this worker's backend. */
    public static final String MODEL_LOADED = "dmap.model.loaded";
    /** Gauge {model}: parallel slots of a loaded model (0 when not loaded). */
    public static final String SLOTS = "dmap.slots";
    /** Gauge {model}: memory a loaded model takes, LM Studio's {@code size_bytes} (0 when not loaded). */
    public static final String MODEL_MEMORY = "dmap.model.memory";
    /** Gauge: the GPU memory of this worker's backend, as configured ({@code dmap.backend.gpu-memory}). */
    public static final String BACKEND_MEMORY = "dmap.backend.memory";
    /** Counter {model}: requests whose model was in memory when they reached a slot (nothing loaded or waited for). */
    public static final String MODEL_CACHE_HITS = "dmap.model.cache.hits";
    /** Counter {model}: requests that loaded their model, or waited for its load. */
    public static final String MODEL_CACHE_MISSES = "dmap.model.cache.misses";
    /** Counter {model,result}: requests the response cache decided on; result is {@code hit}, {@code miss} (computed) or {@code bypass} (not cacheable, or cache off). */
    public static final String CACHE_REQUESTS = "dmap.cache.requests";
    /** Counter {model,kind}: tokens the response cache's hits did not compute again, kind prompt or completion. */
    public static final String CACHE_TOKENS_SAVED = "dmap.cache.tokens.saved";
    /** Timer: a request's time with the response cache at intake (key, lookup, a hit's result). */
    public static final String CACHE_LOOKUP = "dmap.cache.lookup";
    /** Gauge: entries in this worker's local copy of the response cache. */
    public static final String CACHE_ENTRIES = "dmap.cache.entries";
    /** Gauge: bytes of stored answers in this worker's local copy of the response cache. */
    public static final String CACHE_STORE_SIZE = "dmap.cache.store.size";
    /** Counter {model}: seconds slots spent serving; its rate is the average number of busy slots. */
    public static final String SLOT_BUSY = "dmap.slot.busy";
    /** Gauge {model}: requests of the model that may be in flight now (the slots, or the window found on a server without them). */
    public static final String WINDOW = "dmap.window";
    /** Gauge {model}: requests being served now. */
    public static final String IN_FLIGHT = "dmap.inflight.requests";
    /** Counter {model,kind}: tokens processed, kind prompt or completion, from the backend's usage. */
    public static final String TOKENS = "dmap.tokens";
    /** Counter {model,code}: dead letters published. */
    public static final String DEAD_LETTERS = "dmap.dead.letters";
    /** Counter {reason}: backend calls that failed and were retried. */
    public static final String RETRIES = "dmap.retries";
    /** Gauge: 1 while the backend answers, 0 while the worker is paused waiting for it. */
    public static final String BACKEND_UP = "dmap.backend.up";
    /** Counter {model}: answers whose usage.prompt_tokens is far below our estimate (silent truncation). */
    public static final String PROMPT_TRUNCATION_SUSPECTED = "dmap.prompt.truncation.suspected";

    /**
     * Counter {reason}: fetched records that were not served because they already ended:
     * {@code redelivery} (a record read again after a rebalance, crash or abort, finished per the
     * commit) or {@code batch_ended} (a request of a batch that has ended).
     */
    public static final String DUPLICATES_SKIPPED = "dmap.duplicates.skipped";

    private MetricNames() {
    }
}
