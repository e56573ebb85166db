package dev.dmap.worker.cache;

import dev.dmap.schemas.CacheControl;
import dev.dmap.schemas.CacheEntry;
import dev.dmap.schemas.CacheKeys;
import dev.dmap.schemas.Cacheable;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.Result;
import dev.dmap.worker.backend.ModelListing;
import dev.dmap.worker.config.CacheSettings;
import dev.dmap.worker.metrics.CacheMetrics;
import dev.dmap.worker.pipeline.Work;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The response cache as a worker uses it (docs/cache.md): which requests it serves and under which
 * key, the stored answer for a key, and the answer to store for a computed result. Answers
 * computed here are also kept in memory until the local copy has them from the topic, so that a
 * repeat right after its first computation is not computed again. Thread-safe.
 */
public final class ResponseCache implements AutoCloseable {
    /** How many answers computed here wait in memory for the topic at most. */
    private static final int RECENT_LIMIT = 10_000;

    /**
     * How the cache serves one request.
     *
     * @param key     its key, or null when it bypasses the cache
     * @param control its {@code cache} field
     * @param bypass  why it bypasses the cache, or null
     */
    public record Plan(String key, CacheControl control, String bypass) {
        static Plan bypassing(String why, CacheControl control) {
            return new Plan(null, control, why);
        }

        /** Whether a stored answer may serve it. */
        public boolean reads() {
            return key != null && control.reads();
        }
    }

    private final ResponseStore store;
    private final CacheFollower follower;
    private final Supplier<ModelListing> listing;
    private final CacheMetrics metrics;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, CacheEntry> recent = new ConcurrentHashMap<>();

    ResponseCache(ResponseStore store, CacheFollower follower, Supplier<ModelListing> listing, CacheMetrics metrics,
            CacheSettings settings, Clock clock) {
        this.store = store;
        this.follower = follower;
        this.listing = listing;
        this.metrics = metrics;
        this.ttl = settings.ttl();
        this.clock = clock;
    }

    /** A cache that serves nothing (turned off on this worker). */
    public static ResponseCache disabled(CacheMetrics metrics, Clock clock) {
        return new ResponseCache(null, null, () -> null, metrics, CacheSettings.disabled(), clock);
    }

    /** How the cache serves {@code request}; a bypass is counted. */
    public Plan plan(Request request) {
        CacheControl control = request.cacheControl();
        Plan plan = decide(request, control);
        if (plan.key() == null) {
            metrics.decided(request.model(), CacheMetrics.BYPASS);
        }
        return plan;
    }

    private Plan decide(Request request, CacheControl control) {
        if (store == null) {
            return Plan.bypassing("the cache is off on this worker", control);
        }
        if (CacheControl.OFF.equals(control.mode())) {
            return Plan.bypassing("the request turned the cache off", control);
        }
        String refusal = Cacheable.refusal(request.url(), request.body());
        if (refusal != null) {
            return Plan.bypassing("not reproducible: " + refusal, control);
        }
        ModelListing models = listing.get();
        String identity = models == null ? null : models.identity(request.model());
        if (identity == null) {
            return Plan.bypassing("the backend does not list the model", control);
        }
        return new Plan(CacheKeys.of(request.url(), identity, request.body()), control, null);
    }

    /** The stored answer that may serve the plan's request now (fresh enough for it), or null. */
    public CacheEntry find(Plan plan) {
        if (!plan.reads()) {
            return null;
        }
        CacheEntry entry = recent.get(plan.key());
        if (entry == null) {
            ResponseStore.StoredEntry stored = store.get(plan.key());
            entry = stored == null ? null : MessageCodec.decode(stored.json(), CacheEntry.class);
        }
        return entry != null && fresh(entry, plan.control().maxAge()) ? entry : null;
    }

    private boolean fresh(CacheEntry entry, Duration maxAge) {
        Instant now = clock.instant();
        Duration limit = maxAge == null || maxAge.compareTo(ttl) > 0 ? ttl : maxAge;
        return !entry.createdAt().isBefore(now.minus(limit));
    }

    /** The answer a computed result gives its key (null when it has none, or the result is not a success). */
    public CacheEntry entryOf(Work work, Result result) {
        if (work.cacheKey() == null || result.cacheHit() || result.response().statusCode() / 100 != 2) {
            return null;
        }
        ModelListing models = listing.get();
        String identity = models == null ? null : models.identity(result.model());
        return new CacheEntry(work.cacheKey(), work.request().url(), result.model(), identity, result.requestId(),
                result.response().statusCode(), result.response().body(), result.completedAt(), CacheEntry.SCHEMA_VERSION);
    }

    /** Keeps an answer computed here in memory until the local copy has it from the topic. */
    public void remember(CacheEntry entry) {
        if (recent.size() >= RECENT_LIMIT) {
            recent.clear();
        }
        recent.put(entry.key(), entry);
    }

    /** Forgets answers computed here that are not in the topic yet (their transaction may be aborted). */
    public void forgetRecent() {
        recent.clear();
    }

    /** The local copy stored or purged {@code key}: the memory no longer needs it. */
    void changed(String key) {
        recent.remove(key);
    }

    /** Counts a computation (a miss) or a hit for the plan's model. */
    public CacheMetrics metrics() {
        return metrics;
    }

    /** Why the cache stopped working on its own, or null. */
    public String failure() {
        return follower == null ? null : follower.failure();
    }

    @Override
    public void close() {
        if (follower != null) {
            follower.close();
        }
        if (store != null) {
            store.close();
        }
    }
}
