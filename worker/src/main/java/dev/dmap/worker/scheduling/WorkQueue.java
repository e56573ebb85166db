package dev.dmap.worker.scheduling;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Fetched records waiting to be served, one queue per model, each in service order: higher
 * priority first, then earlier deadline, then submission order (a consumer fetches partition by
 * partition, so fetch order is not submission order). Among requests submitted together (one
 * batch: same priority, deadline and submission time) those sharing a long prompt prefix
 * ({@link Schedulable#prefix()}) go back to back, each prefix in the order it first arrived, so an
 * engine whose prefix cache is smaller than the batch's prefixes evaluates each once, not once per
 * request. A model's head therefore carries its most urgent deadline among its highest priority.
 * A record put back (the backend went down) regains its place. Not thread-safe: its owner locks it.
 *
 * @param <T> the queued item
 */
public final class WorkQueue<T extends Schedulable> {
    /** Service order within a model: priority, deadline, submission time, prefix group, fetch order. */
    private final Comparator<Schedulable> serviceOrder = Comparator.comparingInt((Schedulable item) -> -item.priority())
            .thenComparing(Schedulable::deadline)
            .thenComparing(Schedulable::waitingSince)
            .thenComparingLong(this::groupRank)
            .thenComparingLong(Schedulable::seq);
    /** Submission order over every model, for strategies that ignore models. */
    private static final Comparator<Schedulable> SUBMISSION = Comparator.comparing(Schedulable::waitingSince)
            .thenComparingLong(Schedulable::seq);

    private final Map<String, PriorityQueue<T>> byModel = new HashMap<>();
    private final Function<? super T, ?> bucketOf;
    private final Map<Object, Integer> bucketSizes = new HashMap<>();
    /** Each waiting item's rank among its submission: the arrival of the first of its prefix group, else its own. */
    private final Map<Schedulable, Group> members = new java.util.IdentityHashMap<>();
    private final Map<PrefixGroup, Group> groups = new HashMap<>();
    private int size;

    private record PrefixGroup(String model, Instant waitingSince, int prefix) {
    }

    private static final class Group {
        final PrefixGroup key;
        final long firstSeq;
        int waiting;

        Group(PrefixGroup key, long firstSeq) {
            this.key = key;
            this.firstSeq = firstSeq;
        }
    }

    /** A queue that also counts its items per bucket (say, per partition) in O(1). */
    public WorkQueue(Function<? super T, ?> bucketOf) {
        this.bucketOf = bucketOf;
    }

    public WorkQueue() {
        this(item -> item.model());
    }

    public void add(T item) {
        OptionalInt prefix = item.prefix();
        if (prefix.isPresent()) {
            Group group = groups.computeIfAbsent(new PrefixGroup(item.model(), item.waitingSince(), prefix.getAsInt()),
                    key -> new Group(key, item.seq()));
            group.waiting++;
            members.put(item, group);
        }
        byModel.computeIfAbsent(item.model(), m -> new PriorityQueue<>(serviceOrder)).add(item);
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

    private long groupRank(Schedulable item) {
        Group group = members.get(item);
        return group != null ? group.firstSeq : item.seq();
    }

    private void uncount(T item) {
        Group group = members.remove(item);
        if (group != null && --group.waiting == 0) {
            groups.remove(group.key);
        }
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
