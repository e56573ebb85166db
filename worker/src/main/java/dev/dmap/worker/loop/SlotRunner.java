package dev.dmap.worker.loop;

import dev.dmap.schemas.ErrorCode;
import dev.dmap.worker.backend.CallInterrupted;
import dev.dmap.worker.delivery.PendingRecord;
import dev.dmap.worker.metrics.WorkerMetrics;
import dev.dmap.worker.pipeline.CallerReplies;
import dev.dmap.worker.pipeline.DeadLetters;
import dev.dmap.worker.pipeline.Outcome;
import dev.dmap.worker.pipeline.RequestProcessor;
import dev.dmap.worker.pipeline.Work;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one fetched record in a slot, on a caller thread: in the request's span, through the
 * {@link RequestProcessor}, timing how long it held the slot. A bug must neither take the worker
 * down nor lose the record: it ends as an {@code internal_error} dead letter, replayable once the
 * bug is fixed.
 */
final class SlotRunner {
    private static final Logger log = LoggerFactory.getLogger(SlotRunner.class);

    /** What serving a record gave: its outcome, how long it held the slot, the trace context for its outcome record. */
    record Served(Outcome outcome, Duration served, Map<String, String> trace) {
    }

    private final Function<Work, Outcome> processor;
    private final ExecutorService callers;
    private final RequestTracing tracing;
    private final DeadLetters deadLetters;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final CallerReplies replies;

    /**
     * @param processor serves one request, blocking ({@link RequestProcessor#process})
     * @param replies   where the outcome of an online call goes at once, for its waiting caller
     */
    SlotRunner(Function<Work, Outcome> processor, ExecutorService callers, RequestTracing tracing, DeadLetters deadLetters,
            WorkerMetrics metrics, Clock clock, CallerReplies replies) {
        this.replies = replies;
        this.processor = processor;
        this.callers = callers;
        this.tracing = tracing;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Runs {@code task} on a caller thread. */
    void execute(Runnable task) {
        callers.execute(task);
    }

    /** Serves the record on the calling thread. */
    Served serve(PendingRecord pending) {
        long start = System.nanoTime();
        Outcome outcome;
        Map<String, String> trace;
        try (RequestTracing.Traced traced = tracing.start(pending)) {
            trace = traced.headers();
            outcome = process(pending, trace);
            traced.ended(outcome);
        }
        if (pending.work().replyTo() != null) {
            replies.outcome(pending.work().replyTo(), pending.work().request().id(), outcome);
        }
        Duration served = Duration.ofNanos(System.nanoTime() - start);
        metrics.slotBusy(pending.model(), served);
        return new Served(outcome, served, trace);
    }

    private Outcome process(PendingRecord pending, Map<String, String> trace) {
        try {
            return processor.apply(pending.work().withHeaders(trace));
        } catch (CallInterrupted e) {
            return new Outcome.Interrupted();
        } catch (RuntimeException | Error e) {
            log.error("Serving {} ({}) failed unexpectedly", pending.where(), pending.work().request().id(), e);
            return new Outcome.Failed(deadLetters.forRequest(pending.work(), ErrorCode.INTERNAL_ERROR,
                    "the worker failed unexpectedly: " + e, null, 0, clock.instant()));
        }
    }
}
