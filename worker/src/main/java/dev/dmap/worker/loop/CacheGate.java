package dev.dmap.worker.loop;

import dev.dmap.schemas.CacheEntry;
import dev.dmap.worker.cache.Repeats;
import dev.dmap.worker.delivery.PendingRecord;
import dev.dmap.worker.metrics.CacheMetrics;
import dev.dmap.worker.pipeline.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The response cache at dispatch (docs/cache.md): a picked request is answered from the cache
 * when it can be, waits for an identical request being computed, or is computed; when a
 * computation ends, its waiting repeats get its answer (or are computed after all). Thread-safe.
 */
final class CacheGate {
    private final CacheHits hits;
    private final Repeats<PendingRecord> repeats = new Repeats<>();

    /** What a finished computation means for the repeats that waited for it. */
    record Settled(List<LoopEvent.Processed> answered, List<PendingRecord> requeue) {
    }

    CacheGate(CacheHits hits) {
        this.hits = hits;
    }

    /**
     * Whether a picked record takes a slot: not when the cache answers it now (added to
     * {@code answered}), nor when an identical request is being computed and it may wait for that.
     */
    synchronized boolean computes(PendingRecord pending, List<LoopEvent.Processed> answered) {
        String key = pending.work().cacheKey();
        if (key == null) {
            return true;
        }
        if (pending.work().request().cacheControl().reads()) {
            Outcome hit = hits.answer(pending);
            if (hit != null) {
                answered.add(new LoopEvent.Processed(pending, hit, null, pending.work().headers()));
                return false;
            }
            if (repeats.computing(key)) {
                repeats.await(key, pending);
                return false;
            }
        }
        if (!repeats.computing(key)) {
            repeats.compute(key, pending);
        }
        hits.cache().metrics().decided(pending.model(), CacheMetrics.MISS);
        return true;
    }

    /** A computation ended: its answer is remembered, and the repeats that waited for it are settled. */
    Settled settle(PendingRecord pending, Outcome outcome) {
        String key = pending.work().cacheKey();
        if (key == null) {
            return new Settled(List.of(), List.of());
        }
        CacheEntry entry = outcome instanceof Outcome.Succeeded succeeded
                ? hits.cache().entryOf(pending.work(), succeeded.result()) : null;
        if (entry != null && pending.work().request().cacheControl().writes()) {
            hits.cache().remember(entry); // a read-only request's answer serves its waiting repeats, nothing later
        }
        List<PendingRecord> waiting;
        synchronized (this) {
            waiting = repeats.release(key, pending);
        }
        List<LoopEvent.Processed> answered = new ArrayList<>();
        List<PendingRecord> requeue = new ArrayList<>();
        for (PendingRecord repeat : waiting) {
            Outcome answer = entry == null ? null : hits.answer(repeat, entry);
            if (answer == null) {
                requeue.add(repeat);
            } else {
                answered.add(new LoopEvent.Processed(repeat, answer, null, repeat.work().headers()));
            }
        }
        return new Settled(answered, requeue);
    }

    /** Forgets the repeats of partitions this worker no longer owns, and answers of transactions that may be aborted now. */
    synchronized void forget(Set<TopicPartition> gone) {
        repeats.forget(pending -> gone.contains(pending.partition()));
        hits.cache().forgetRecent();
    }
}
