package dev.dmap.worker.loop;

import dev.dmap.schemas.CacheEntry;
import dev.dmap.worker.cache.ResponseCache;
import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.Result;
import dev.dmap.worker.delivery.Delivery;
import dev.dmap.worker.delivery.OutcomeRecords;
import dev.dmap.worker.delivery.PendingRecord;
import dev.dmap.worker.metrics.WorkerMetrics;
import dev.dmap.worker.pipeline.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a request's terminal record through the {@link Delivery}: its metrics (in the
 * request's trace context, with the time from submission), the log line a dead letter deserves,
 * and, for a duplicate of an ended batch, no record at all. Runs on the poll thread.
 */
final class OutcomePublisher {
    private static final Logger log = LoggerFactory.getLogger(OutcomePublisher.class);

    private final Delivery delivery;
    private final OutcomeRecords records;
    private final WorkerMetrics metrics;
    private final RequestTracing tracing;
    private final Clock clock;
    private final ResponseCache cache;

    OutcomePublisher(Delivery delivery, OutcomeRecords records, WorkerMetrics metrics, RequestTracing tracing, Clock clock,
            ResponseCache cache) {
        this.cache = cache;
        this.delivery = delivery;
        this.records = records;
        this.metrics = metrics;
        this.tracing = tracing;
        this.clock = clock;
    }

    /**
     * Publishes the outcome with the trace context {@code trace}; {@code served} is how long it held a
     * slot, or null for a record that never reached one (undecodable).
     */
    void publish(PendingRecord pending, Outcome outcome, Duration served, Map<String, String> trace) {
        if (outcome instanceof Outcome.Succeeded succeeded) {
            Result result = succeeded.result();
            tracing.inContextOf(trace, () -> metrics.requestFinished(result.model(), "success", served, endToEnd(pending)));
            CacheEntry entry = pending.work().request().cacheControl().writes() ? cache.entryOf(pending.work(), result) : null;
            if (entry != null) {
                // in the result's transaction: a crash leaves neither a result without its entry nor the reverse
                delivery.sendBestEffort(records.cacheEntry(entry));
            }
            delivery.send(pending, records.result(result, trace));
        } else if (outcome instanceof Outcome.Failed failed) {
            deadLetter(pending, failed.deadLetter(), served, trace);
        } else if (outcome instanceof Outcome.Skipped skipped) {
            log.debug("Skipping {}: {}", pending.where(), skipped.reason());
            metrics.duplicateSkipped("batch_ended");
            delivery.skip(pending);
        } else {
            throw new IllegalStateException("a deferred outcome is not published: " + outcome);
        }
    }

    private void deadLetter(PendingRecord pending, DeadLetter deadLetter, Duration served, Map<String, String> trace) {
        String code = deadLetter.error().code();
        if (asked(code)) {
            log.debug("Request {} from {} ends as {}", deadLetter.requestId(), pending.where(), code);
        } else {
            log.error("Request {} from {} is a dead letter: {}: {}", deadLetter.requestId(), pending.where(), code,
                    deadLetter.error().message());
        }
        if (served != null) {
            tracing.inContextOf(trace, () -> metrics.requestFinished(String.valueOf(deadLetter.model()), code, served,
                    endToEnd(pending)));
        }
        metrics.deadLetter(deadLetter.model(), code);
        delivery.send(pending, records.deadLetter(pending, deadLetter, trace));
    }

    /** From the request's submission ({@link dev.dmap.worker.pipeline.Work#waitingSince}) to now. */
    private Duration endToEnd(PendingRecord pending) {
        return Duration.between(pending.waitingSince(), clock.instant());
    }

    /** Dead letters the user asked for (a cancel, a deadline): one log line per batch, not per request. */
    private static boolean asked(String code) {
        return ErrorCode.BATCH_CANCELLED.code().equals(code) || ErrorCode.DEADLINE_EXCEEDED.code().equals(code);
    }
}
