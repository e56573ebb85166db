package dev.dmap.worker.backend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The model loads of the last {@link #WINDOW}: how many, and how long the GPU spent loading, for
 * the worker's status (the console's fleet page). Older loads are dropped as new ones come and
 * whenever it is read. Thread-safe.
 */
public final class LoadHistory {
    /** How far back the history goes. */
    public static final Duration WINDOW = Duration.ofHours(1);

    /** Loads in the window and the time they took together. */
    public record Summary(int loads, Duration loading) {
        public static final Summary NONE = new Summary(0, Duration.ZERO);
    }

    private record Load(Instant at, Duration took) {
    }

    private final Clock clock;
    private final Deque<Load> loads = new ArrayDeque<>();

    public LoadHistory(Clock clock) {
        this.clock = clock;
    }

    public synchronized void loaded(Duration took) {
        loads.addLast(new Load(clock.instant(), took));
        dropOld();
    }

    public synchronized Summary lastHour() {
        dropOld();
        return new Summary(loads.size(), loads.stream().map(Load::took).reduce(Duration.ZERO, Duration::plus));
    }

    private void dropOld() {
        Instant since = clock.instant().minus(WINDOW);
        while (!loads.isEmpty() && loads.peekFirst().at().isBefore(since)) {
            loads.removeFirst();
        }
    }
}
