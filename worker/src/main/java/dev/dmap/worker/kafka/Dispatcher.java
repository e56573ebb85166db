package dev.dmap.worker.kafka;

import dev.dmap.schemas.ErrorCode;
import dev.dmap.worker.backend.ModelCatalogue;
import dev.dmap.worker.backend.ModelListing;
import dev.dmap.worker.backend.ModelResidency;
import dev.dmap.worker.metrics.WorkerMetrics;
import dev.dmap.worker.pipeline.DeadLetters;
import dev.dmap.worker.pipeline.Outcome;
import dev.dmap.worker.pipeline.RequestProcessor;
import dev.dmap.worker.scheduling.AdaptiveWindow;
import dev.dmap.worker.scheduling.DispatchState;
import dev.dmap.worker.scheduling.DispatchStrategy;
import dev.dmap.worker.scheduling.WorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the fetched records and starts them on worker threads as the strategy picks them, at
 * most a model's parallel slots at a time. A worker thread that finishes a request starts the
 * next one itself, so a slot never waits for the poll loop; outcomes go to the poll thread as
 * {@link LoopEvent.Processed}. Thread-safe: one lock guards the queue, the counts and the strategy.
 */
final class Dispatcher implements DispatchState {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final DispatchStrategy strategy;
    private final ModelResidency residency;
    private final ModelCatalogue catalogue;
    private final AdaptiveWindow window;
    private final int maxLoadedModels;
    private final RequestProcessor processor;
    private final ExecutorService callers;
    private final Consumer<LoopEvent> events;
    private final WorkerMetrics metrics;
    private final DeadLetters deadLetters;
    private final WorkQueue<PendingRecord> queue = new WorkQueue<>(PendingRecord::partition);
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Map<TopicPartition, Integer> inFlightByPartition = new HashMap<>();
    private Map<String, Long> lag = Map.of();
    private final Map<String, Instant> lastArrival = new HashMap<>();
    private boolean halted;
    private final RequestTracing tracing;

    Dispatcher(DispatchStrategy strategy, ModelResidency residency, ModelCatalogue catalogue, AdaptiveWindow window,
            int maxLoadedModels,
            RequestProcessor processor,
            ExecutorService callers, Consumer<LoopEvent> events, WorkerMetrics metrics, DeadLetters deadLetters,
            RequestTracing tracing) {
        this.tracing = tracing;
        this.strategy = strategy;
        this.residency = residency;
        this.catalogue = catalogue;
        this.window = window;
        this.maxLoadedModels = maxLoadedModels;
        this.processor = processor;
        this.callers = callers;
        this.events = events;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
    }

    /** A fetched record, or one put back because the backend went down; it keeps its place by arrival. */
    synchronized void enqueue(PendingRecord pending) {
        queue.add(pending);
        lastArrival.merge(pending.model(), pending.fetchedAt(), (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Forgets the waiting records of partitions this worker no longer owns. */
    synchronized void forget(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = Set.copyOf(partitions);
        queue.removeIf(pending -> gone.contains(pending.partition()));
    }

    /** Stops (true) or resumes (false) starting records: while the backend is down, or when stopping. */
    synchronized void halt(boolean halt) {
        halted = halt;
    }

    /** The latest consumer lag per model, for strategies that weigh backlog. */
    synchronized void lag(Map<String, Long> lagByModel) {
        lag = Map.copyOf(lagByModel);
    }

    /** Starts everything the strategy allows now. */
    void dispatch() {
        List<PendingRecord> started = new ArrayList<>();
        synchronized (this) {
            if (halted) {
                return;
            }
            for (Optional<PendingRecord> next = strategy.next(queue, this); next.isPresent(); next = strategy.next(queue, this)) {
                PendingRecord pending = next.get();
                metrics.inFlight(pending.model(), inFlight.merge(pending.model(), 1, Integer::sum));
                inFlightByPartition.merge(pending.partition(), 1, Integer::sum);
                started.add(pending);
            }
        }
        started.forEach(pending -> callers.execute(() -> run(pending)));
    }

    synchronized int buffered(TopicPartition partition) {
        return queue.bucketSize(partition);
    }

    synchronized boolean isServing(String model) {
        return strategy.isServing(model);
    }

    synchronized int totalInFlight() {
        return inFlight.values().stream().mapToInt(Integer::intValue).sum();
    }

    synchronized int inFlightIn(Collection<TopicPartition> partitions) {
        return partitions.stream().mapToInt(partition -> inFlightByPartition.getOrDefault(partition, 0)).sum();
    }

    synchronized Set<String> servingModels() {
        return strategy.servingModels(this);
    }

    synchronized int waiting() {
        return queue.size();
    }

    @Override
    public int inFlight(String model) {
        return inFlight.getOrDefault(model, 0);
    }

    @Override
    public int slots(String model) {
        return window.limit(model, residency.slotsFor(model));
    }

    @Override
    public Set<String> busyModels() {
        return inFlight.keySet();
    }

    @Override
    public int maxLoadedModels() {
        return maxLoadedModels;
    }

    @Override
    public long lag(String model) {
        return lag.getOrDefault(model, 0L);
    }

    @Override
    public Instant lastArrival(String model) {
        return lastArrival.getOrDefault(model, Instant.MIN);
    }

    @Override
    public boolean isMissing(String model) {
        ModelListing listing = catalogue.lastKnown();
        return listing != null && !listing.available().contains(model);
    }

    @Override
    public boolean isLoaded(String model) {
        return residency.loadedModels().contains(model);
    }

    private void run(PendingRecord pending) {
        long start = System.nanoTime();
        Outcome outcome;
        Map<String, String> trace;
        try (RequestTracing.Traced traced = tracing.start(pending)) {
            trace = traced.headers();
            outcome = serve(pending, trace);
            traced.ended(outcome);
        }
        Duration served = Duration.ofNanos(System.nanoTime() - start);
        metrics.slotBusy(pending.model(), served);
        boolean deferred = outcome instanceof Outcome.Deferred;
        synchronized (this) {
            finished(pending);
            if (deferred) {
                halted = true; // the poll loop puts the record back and waits for the backend
            }
        }
        events.accept(new LoopEvent.Processed(pending, outcome, served, trace));
        if (!deferred) {
            dispatch();
        }
    }

    private void finished(PendingRecord pending) {
        String model = pending.model();
        int left = inFlight.merge(model, -1, Integer::sum);
        if (left <= 0) {
            inFlight.remove(model);
        }
        inFlightByPartition.computeIfPresent(pending.partition(), (partition, count) -> count == 1 ? null : count - 1);
        metrics.inFlight(model, Math.max(left, 0));
    }

    private Outcome serve(PendingRecord pending, Map<String, String> trace) {
        try {
            return processor.process(pending.work().withHeaders(trace));
        } catch (RuntimeException | Error e) {
            // A bug must neither take the worker down nor lose the record: it ends as a dead letter
            // that can be replayed once the bug is fixed.
            log.error("Serving {} ({}) failed unexpectedly", pending.where(), pending.work().request().id(), e);
            return new Outcome.Failed(deadLetters.forRequest(pending.work(), ErrorCode.RETRIES_EXHAUSTED,
                    "the worker failed unexpectedly: " + e, null, 0, Instant.now()));
        }
    }
}
