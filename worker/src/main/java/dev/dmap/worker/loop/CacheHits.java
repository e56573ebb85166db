package dev.dmap.worker.loop;

import dev.dmap.schemas.CacheEntry;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.Result;
import dev.dmap.schemas.Timing;
import dev.dmap.worker.backend.BackendUnavailable;
import dev.dmap.worker.cache.ResponseCache;
import dev.dmap.worker.delivery.PendingRecord;
import dev.dmap.worker.pipeline.CallerReplies;
import dev.dmap.worker.pipeline.Outcome;
import dev.dmap.worker.pipeline.Work;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiFunction;

/**
 * Answers a request from the response cache without a slot: the stored answer as its result,
 * marked as a hit, unless the request may not be served at all now (its batch cancelled or
 * ended, its deadline passed), which the processor's own rules decide. An online caller gets
 * its reply at once.
 */
final class CacheHits {
    private final ResponseCache cache;
    private final BiFunction<Work, Instant, Outcome> refusal;
    private final CallerReplies replies;
    private final String workerId;
    private final Clock clock;

    CacheHits(ResponseCache cache, BiFunction<Work, Instant, Outcome> refusal, CallerReplies replies, String workerId,
            Clock clock) {
        this.cache = cache;
        this.refusal = refusal;
        this.replies = replies;
        this.workerId = workerId;
        this.clock = clock;
    }

    ResponseCache cache() {
        return cache;
    }

    /** The outcome that answers {@code pending} from the cache now, or null when it must be computed. */
    Outcome answer(PendingRecord pending) {
        Work work = pending.work();
        if (work.cacheKey() == null) {
            return null;
        }
        CacheEntry entry = cache.find(planOf(work));
        return entry == null ? null : answer(pending, entry);
    }

    /** The outcome that answers {@code pending} with {@code entry} (a repeat whose first computation just ended). */
    Outcome answer(PendingRecord pending, CacheEntry entry) {
        Work work = pending.work();
        Instant now = clock.instant();
        Outcome refused;
        try {
            refused = refusal.apply(work, now);
        } catch (BackendUnavailable e) {
            return null; // the rules cannot be checked now: the request waits like any other
        }
        Outcome outcome = refused;
        if (refused == null) {
            Request request = work.request();
            long queued = Math.max(0, Duration.between(work.waitingSince(), now).toMillis());
            outcome = new Outcome.Succeeded(Result.hit(request, entry, workerId, new Timing(queued, 0, 0), now));
            cache.metrics().hit(request.model(), entry.usage());
        }
        if (work.replyTo() != null && !(outcome instanceof Outcome.Skipped)) {
            replies.outcome(work.replyTo(), work.request().id(), outcome);
        }
        return outcome;
    }

    private static ResponseCache.Plan planOf(Work work) {
        return new ResponseCache.Plan(work.cacheKey(), work.request().cacheControl(), null);
    }
}
