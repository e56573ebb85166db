package dev.dmap.worker.kafka;

import dev.dmap.schemas.ErrorCode;
import dev.dmap.worker.backend.ModelResidency;
import dev.dmap.worker.metrics.WorkerMetrics;
import dev.dmap.worker.pipeline.DeadLetters;
import dev.dmap.worker.pipeline.Outcome;
import dev.dmap.worker.pipeline.RequestProcessor;
import dev.dmap.worker.scheduling.DispatchState;
import dev.dmap.worker.scheduling.DispatchStrategy;
import dev.dmap.worker.scheduling.WorkQueue;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts records on worker threads as the strategy picks them, and counts what is in flight per
 * model: the in-flight window of each model is its backend's parallel slots. The poll thread
 * never waits for a request; results come back as {@link LoopEvent.Processed}.
 */
final class Dispatcher implements DispatchState {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final DispatchStrategy strategy;
    private final ModelResidency residency;
    private final int maxLoadedModels;
    private final RequestProcessor processor;
    private final ExecutorService callers;
    private final Consumer<LoopEvent> events;
    private final WorkerMetrics metrics;
    private final DeadLetters deadLetters;
    private final Map<String, Integer> inFlight = new HashMap<>();

    Dispatcher(DispatchStrategy strategy, ModelResidency residency, int maxLoadedModels, RequestProcessor processor,
            ExecutorService callers, Consumer<LoopEvent> events, WorkerMetrics metrics, DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
        this.strategy = strategy;
        this.residency = residency;
        this.maxLoadedModels = maxLoadedModels;
        this.processor = processor;
        this.callers = callers;
        this.events = events;
        this.metrics = metrics;
    }

    /** Starts everything the strategy allows now. */
    void dispatch(WorkQueue<PendingRecord> queue) {
        for (Optional<PendingRecord> next = strategy.next(queue, this); next.isPresent(); next = strategy.next(queue, this)) {
            start(next.get());
        }
    }

    /** A started record has its outcome. */
    void finished(PendingRecord pending) {
        String model = pending.model();
        int left = inFlight.merge(model, -1, Integer::sum);
        if (left <= 0) {
            inFlight.remove(model);
        }
        metrics.inFlight(model, Math.max(left, 0));
    }

    int totalInFlight() {
        return inFlight.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public int inFlight(String model) {
        return inFlight.getOrDefault(model, 0);
    }

    @Override
    public int slots(String model) {
        return residency.slotsFor(model);
    }

    @Override
    public Set<String> busyModels() {
        return inFlight.keySet();
    }

    @Override
    public int maxLoadedModels() {
        return maxLoadedModels;
    }

    private void start(PendingRecord pending) {
        String model = pending.model();
        metrics.inFlight(model, inFlight.merge(model, 1, Integer::sum));
        callers.execute(() -> events.accept(new LoopEvent.Processed(pending, serve(pending))));
    }

    private Outcome serve(PendingRecord pending) {
        try {
            return processor.process(pending.work());
        } catch (RuntimeException | Error e) {
            // A bug must neither take the worker down nor lose the record: it ends as a dead letter
            // that can be replayed once the bug is fixed.
            log.error("Serving {} ({}) failed unexpectedly", pending.where(), pending.work().request().id(), e);
            return new Outcome.Failed(deadLetters.forRequest(pending.work(), ErrorCode.RETRIES_EXHAUSTED,
                    "the worker failed unexpectedly: " + e, null, 0, Instant.now()));
        }
    }
}
