package dev.dmap.worker.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Identical cacheable requests being computed: the first with a key computes it, the repeats that
 * come while it does wait here for its answer instead of taking slots of their own. Not
 * thread-safe: the dispatcher's lock guards it.
 *
 * @param <T> a request
 */
public final class Repeats<T> {
    private final Map<String, T> computing = new HashMap<>();
    private final Map<String, List<T>> waiting = new HashMap<>();

    /** Whether some request computes {@code key} now. */
    public boolean computing(String key) {
        return computing.containsKey(key);
    }

    /** {@code item} computes {@code key}; repeats that come meanwhile may wait for it. */
    public void compute(String key, T item) {
        computing.put(key, item);
    }

    /** {@code item} waits for the request that computes {@code key}. */
    public void await(String key, T item) {
        waiting.computeIfAbsent(key, k -> new ArrayList<>()).add(item);
    }

    /**
     * {@code item}'s computation ended: the repeats that waited for it, in arrival order (none when
     * {@code item} was not the one computing its key).
     */
    public List<T> release(String key, T item) {
        if (computing.get(key) != item) {
            return List.of();
        }
        computing.remove(key);
        List<T> repeats = waiting.remove(key);
        return repeats == null ? List.of() : repeats;
    }

    /** Removes the waiting repeats that {@code gone} matches (their partitions were taken away). */
    public void forget(Predicate<T> gone) {
        waiting.values().forEach(repeats -> repeats.removeIf(gone));
    }

    /** Repeats waiting now. */
    public int waiting() {
        return waiting.values().stream().mapToInt(List::size).sum();
    }
}
