package dev.dmap.worker.backend;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who is using which loaded model: open leases per model and when each was last used, so that
 * {@link ModelResidency} unloads only an idle model, the least recently used one, and can wait for
 * one to become idle. Waiting and waking share the residency's lock. Thread-safe.
 */
final class Leases {
    private final Object lock;
    private final Clock clock;
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();

    Leases(Object lock, Clock clock) {
        this.lock = lock;
        this.clock = clock;
    }

    /** Opens a lease on {@code model}. */
    void take(String model) {
        count(model).incrementAndGet();
        lastUsed.put(model, clock.instant());
    }

    /** Closes a lease; the last one wakes a residency waiting for room. */
    void release(String model) {
        if (count(model).decrementAndGet() == 0) {
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    boolean inUse(String model) {
        return count(model).get() > 0;
    }

    /** Of {@code loaded}, the least recently used model without open leases. */
    Optional<String> leastRecentlyUsedIdle(Collection<String> loaded) {
        return loaded.stream().filter(model -> !inUse(model))
                .min(Comparator.comparing(model -> lastUsed.getOrDefault(model, Instant.MIN)));
    }

    /** Waits (holding the residency's lock) until a lease closes or {@code millis} pass. */
    void awaitRelease(long millis) {
        try {
            lock.wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableFailure(RetryableFailure.Reason.LOAD_FAILED, "interrupted while waiting for room", null, e);
        }
    }

    private AtomicInteger count(String model) {
        return open.computeIfAbsent(model, m -> new AtomicInteger());
    }
}
