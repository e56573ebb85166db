package dev.dmap.worker.scheduling;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Fetched records waiting to be served, one queue per model, each in service order: higher
 * priority first, then earlier deadline, then submission order (a consumer fetches partition by
 * partition, so fetch order is not submission order). A model's head therefore carries its most
 * urgent deadline among its highest priority. A record put back (the backend went down) regains
 * its place. Not thread-safe: its owner locks it.
 *
 * @param <T> the queued item
 */
public final class WorkQueue<T extends Schedulable> {
    /** Service order within a model: priority, deadline, submission time, fetch order. */
    private static final Comparator<Schedulable> SERVICE_ORDER = Comparator.comparingInt((Schedulable item) -> -item.priority())
            .thenComparing(Schedulable::deadline)
            .thenComparing(Schedulable::waitingSince)
            .thenComparingLong(Schedulable::seq);
    /** Submission order over every model, for strategies that ignore models. */
    private static final Comparator<Schedulable> SUBMISSION = Comparator.comparing(Schedulable::waitingSince)
            .thenComparingLong(Schedulable::seq);

    private final Map<String, PriorityQueue<T>> byModel = new HashMap<>();
    private final Function<? super T, ?> bucketOf;
    private final Map<Object, Integer> bucketSizes = new HashMap<>();
    private int size;

    /** A queue that also counts its items per bucket (say, per partition) in O(1). */
    public WorkQueue(Function<? super T, ?> bucketOf) {
        this.bucketOf = bucketOf;
    }

    public WorkQueue() {
        this(item -> item.model());
    }

    public void add(T item) {
        byModel.computeIfAbsent(item.model(), m -> new PriorityQueue<>(SERVICE_ORDER)).add(item);
        bucketSizes.merge(bucketOf.apply(item), 1, Integer::sum);
        size++;
    }

    /** Items waiting in one bucket. */
    public int bucketSize(Object bucket) {
        return bucketSizes.getOrDefault(bucket, 0);
    }

    /** The earliest submitted of the models' heads (for a strategy that ignores models). */
    public Optional<T> oldest() {
        return byModel.values().stream().map(PriorityQueue::peek).filter(java.util.Objects::nonNull).min(SUBMISSION);
    }

    /** The next of one model to serve, in service order. */
    public Optional<T> head(String model) {
        PriorityQueue<T> queue = byModel.get(model);
        return queue == null ? Optional.empty() : Optional.ofNullable(queue.peek());
    }

    /** Takes out exactly this item, which must be the head of its model's queue. */
    public void remove(T item) {
        PriorityQueue<T> queue = byModel.get(item.model());
        if (queue == null || queue.peek() != item) {
            throw new IllegalArgumentException("not at the head of its queue: " + item);
        }
        queue.poll();
        uncount(item);
        if (queue.isEmpty()) {
            byModel.remove(item.model());
        }
    }

    /** Removes every item that matches, e.g. those of a revoked partition. */
    public int removeIf(Predicate<? super T> filter) {
        int removed = 0;
        for (PriorityQueue<T> queue : byModel.values()) {
            for (var it = queue.iterator(); it.hasNext(); ) {
                T item = it.next();
                if (filter.test(item)) {
                    it.remove();
                    uncount(item);
                    removed++;
                }
            }
        }
        byModel.values().removeIf(Collection::isEmpty);
        return removed;
    }

    private void uncount(T item) {
        size--;
        bucketSizes.computeIfPresent(bucketOf.apply(item), (bucket, count) -> count == 1 ? null : count - 1);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size(String model) {
        PriorityQueue<T> queue = byModel.get(model);
        return queue == null ? 0 : queue.size();
    }

    /** Models with at least one waiting item. */
    public Set<String> models() {
        return Set.copyOf(byModel.keySet());
    }
}
