package dev.dmap.worker.loop;

import dev.dmap.worker.backend.BackendState;
import dev.dmap.worker.delivery.PendingRecord;
import dev.dmap.worker.metrics.WorkerMetrics;
import dev.dmap.worker.pipeline.Outcome;
import dev.dmap.worker.scheduling.DispatchState;
import dev.dmap.worker.scheduling.DispatchStrategy;
import dev.dmap.worker.scheduling.WorkQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Holds the fetched records and starts them in slots as the strategy picks them, at most a
 * model's parallel slots at a time. A caller thread that finishes a request starts the next one
 * itself, so a slot never waits for the poll loop; outcomes go to the poll thread as
 * {@link LoopEvent.Processed}. Nothing starts while the backend is paused ({@link BackendState})
 * or the worker stops. Thread-safe: one lock guards the queue, the counts and the strategy.
 */
final class Dispatcher implements DispatchState {
    private final DispatchStrategy strategy;
    private final Capacity capacity;
    private final SlotRunner runner;
    private final Consumer<LoopEvent> events;
    private final BackendState backend;
    private final WorkerMetrics metrics;
    private final CacheGate cache;
    private final WorkQueue<PendingRecord> queue = new WorkQueue<>(PendingRecord::partition);
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Map<TopicPartition, Integer> inFlightByPartition = new HashMap<>();
    private final Map<String, Instant> lastArrival = new HashMap<>();
    private Map<String, Long> lag = Map.of();
    private boolean stopping;

    Dispatcher(DispatchStrategy strategy, Capacity capacity, SlotRunner runner, Consumer<LoopEvent> events,
            BackendState backend, WorkerMetrics metrics, CacheHits hits) {
        this.cache = new CacheGate(hits);
        this.strategy = strategy;
        this.capacity = capacity;
        this.runner = runner;
        this.events = events;
        this.backend = backend;
        this.metrics = metrics;
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
        cache.forget(gone);
    }

    /** Starts nothing more: the worker stops. */
    synchronized void stop() {
        stopping = true;
    }

    /** The latest consumer lag per model, for strategies that weigh backlog. */
    synchronized void lag(Map<String, Long> lagByModel) {
        lag = Map.copyOf(lagByModel);
    }

    /** Starts everything the strategy allows now. */
    void dispatch() {
        List<PendingRecord> started = new ArrayList<>();
        List<LoopEvent.Processed> answered = new ArrayList<>();
        synchronized (this) {
            if (stopping || backend.paused()) {
                return;
            }
            for (Optional<PendingRecord> next = strategy.next(queue, this); next.isPresent(); next = strategy.next(queue, this)) {
                PendingRecord pending = next.get();
                if (!cache.computes(pending, answered)) {
                    continue;
                }
                metrics.inFlight(pending.model(), inFlight.merge(pending.model(), 1, Integer::sum));
                inFlightByPartition.merge(pending.partition(), 1, Integer::sum);
                started.add(pending);
            }
        }
        answered.forEach(events);
        started.forEach(pending -> runner.execute(() -> run(pending)));
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

    /** Each waiting model's most urgent deadline (of its highest priority), for the worker's status. */
    synchronized Map<String, Instant> earliestDeadlines() {
        Map<String, Instant> deadlines = new java.util.TreeMap<>();
        for (String model : queue.models()) {
            queue.head(model).ifPresent(head -> deadlines.put(model, head.deadline()));
        }
        return deadlines;
    }

    /** Each of {@code models}' in-flight window now, for the worker's status. */
    synchronized Map<String, Integer> windows(Collection<String> models) {
        Map<String, Integer> windows = new java.util.TreeMap<>();
        models.forEach(model -> windows.put(model, capacity.slots(model)));
        return windows;
    }

    @Override
    public int inFlight(String model) {
        return inFlight.getOrDefault(model, 0);
    }

    @Override
    public int slots(String model) {
        return capacity.slots(model);
    }

    @Override
    public Set<String> busyModels() {
        return inFlight.keySet();
    }

    @Override
    public int maxLoadedModels() {
        return capacity.maxLoadedModels();
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
        return capacity.isMissing(model);
    }

    @Override
    public boolean isLoaded(String model) {
        return capacity.isLoaded(model);
    }

    private void run(PendingRecord pending) {
        SlotRunner.Served served = runner.serve(pending);
        if (served.outcome() instanceof Outcome.Deferred deferred) {
            backend.unreachable(deferred.reason()); // before the slot frees, so nothing else starts meanwhile
        }
        synchronized (this) {
            finished(pending);
            if (served.outcome() instanceof Outcome.Succeeded succeeded) {
                var timing = succeeded.result().timing();
                strategy.served(pending.model(), java.time.Duration.ofMillis(timing.backendMs()),
                        java.time.Duration.ofMillis(timing.loadMs()));
            }
        }
        CacheGate.Settled repeats = cache.settle(pending, served.outcome());
        repeats.requeue().forEach(this::enqueue);
        repeats.answered().forEach(events);
        events.accept(new LoopEvent.Processed(pending, served.outcome(), served.served(), served.trace()));
        dispatch();
    }

    private void finished(PendingRecord pending) {
        String model = pending.model();
        int window = capacity.slots(model);
        capacity.finished(model, inFlight(model) >= window && queue.size(model) > 0);
        metrics.window(model, window);
        int left = inFlight.merge(model, -1, Integer::sum);
        if (left <= 0) {
            inFlight.remove(model);
        }
        inFlightByPartition.computeIfPresent(pending.partition(), (partition, count) -> count == 1 ? null : count - 1);
        metrics.inFlight(model, Math.max(left, 0));
    }
}
