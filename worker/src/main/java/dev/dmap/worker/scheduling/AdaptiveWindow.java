package dev.dmap.worker.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each model's in-flight window. On a server that reports its parallel slots (LM Studio,
 * llama-server) the window is those slots, so the server's own queue stays empty: a 429 or 503
 * halves it (down to one) and pauses the model for the server's Retry-After (or a second), and
 * each window's worth of successes grows it by one again, up to the slots. On a server that
 * reports none (vLLM, a hosted endpoint) the window starts at the configured slots and a
 * {@link WindowSearch} moves it, up to the ceiling, to where throughput stops rising; back-pressure
 * and timeouts halve it there too. Thread-safe.
 */
public final class AdaptiveWindow {
    static final Duration DEFAULT_PAUSE = Duration.ofSeconds(1);
    /** The shortest measurement the search trusts. */
    public static final Duration DEFAULT_EPOCH = Duration.ofSeconds(2);

    private final Clock clock;
    private final int ceiling;
    private final Duration minEpoch;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    private static final class State {
        int window = Integer.MAX_VALUE;
        int successes;
        Instant pausedUntil = Instant.MIN;
        WindowSearch search;
    }

    /** Windows that never go above the slots (no search). */
    public AdaptiveWindow(Clock clock) {
        this(clock, 0, DEFAULT_EPOCH);
    }

    /**
     * @param ceiling  the largest window the search may try on a server without reported slots; at or
     *                 below the configured slots there is no search
     * @param minEpoch the shortest measurement the search trusts
     */
    public AdaptiveWindow(Clock clock, int ceiling, Duration minEpoch) {
        this.clock = clock;
        this.ceiling = ceiling;
        this.minEpoch = minEpoch;
    }

    /** Requests of {@code model} that may be in flight now, on a server that reports {@code slots}; 0 while paused. */
    public int limit(String model, int slots) {
        return limit(model, slots, false);
    }

    /**
     * Requests of {@code model} that may be in flight now; 0 while it is paused.
     *
     * @param slots    the server's reported slots, or the configured ones when it reports none
     * @param searched whether the server reports none, so the window may search above {@code slots}
     */
    public int limit(String model, int slots, boolean searched) {
        boolean search = searched && ceiling > slots;
        State state = search ? states.computeIfAbsent(model, m -> new State()) : states.get(model);
        if (state == null) {
            return slots;
        }
        synchronized (state) {
            if (search && state.search == null) {
                state.search = new WindowSearch(slots, ceiling, minEpoch);
            }
            int window = state.search != null ? state.search.window() : Math.min(slots, state.window);
            return clock.instant().isBefore(state.pausedUntil) ? 0 : window;
        }
    }

    /** The backend pushed back (429, 503, a timeout): halve the window and pause the model. */
    public void overloaded(String model, int slots, Duration pause) {
        State state = states.computeIfAbsent(model, m -> new State());
        synchronized (state) {
            Instant now = clock.instant();
            if (state.search != null) {
                state.search.overloaded(now);
            } else {
                state.window = Math.max(1, Math.min(slots, state.window) / 2);
                state.successes = 0;
            }
            state.pausedUntil = now.plus(pause == null ? DEFAULT_PAUSE : pause);
        }
    }

    /** A request succeeded: after a full window of successes, a window below the slots grows by one. */
    public void succeeded(String model, int slots) {
        State state = states.get(model);
        if (state == null) {
            return;
        }
        synchronized (state) {
            if (state.search != null || state.window >= slots) {
                return;
            }
            if (++state.successes >= state.window) {
                state.window++;
                state.successes = 0;
            }
        }
    }

    /**
     * A request of {@code model} left its slot, whatever its outcome; {@code windowFull} when the
     * window was full and more of the model's requests waited. The search measures with it.
     */
    public void finished(String model, boolean windowFull) {
        State state = states.get(model);
        if (state == null) {
            return;
        }
        synchronized (state) {
            if (state.search != null) {
                state.search.finished(windowFull, clock.instant());
            }
        }
    }
}
