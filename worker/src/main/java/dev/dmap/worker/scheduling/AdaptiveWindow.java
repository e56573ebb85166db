package dev.dmap.worker.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Back-pressure per model (additive increase, multiplicative decrease): the in-flight window
 * starts at the backend's parallel slots; when the backend answers 429 or 503 the window halves
 * (down to one) and the model pauses for the server's Retry-After (or a second); each window's
 * worth of successes in a row grows it by one again, up to the slots. Thread-safe.
 */
public final class AdaptiveWindow {
    static final Duration DEFAULT_PAUSE = Duration.ofSeconds(1);

    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    private static final class State {
        int window = Integer.MAX_VALUE;
        int successes;
        Instant pausedUntil = Instant.MIN;
    }

    public AdaptiveWindow(Clock clock) {
        this.clock = clock;
    }

    /** Requests of {@code model} that may be in flight now; 0 while it is paused. */
    public int limit(String model, int slots) {
        State state = states.get(model);
        if (state == null) {
            return slots;
        }
        synchronized (state) {
            return clock.instant().isBefore(state.pausedUntil) ? 0 : Math.min(slots, state.window);
        }
    }

    /** The backend pushed back (429, 503): halve the window and pause the model. */
    public void overloaded(String model, int slots, Duration pause) {
        State state = states.computeIfAbsent(model, m -> new State());
        synchronized (state) {
            state.window = Math.max(1, Math.min(slots, state.window) / 2);
            state.successes = 0;
            state.pausedUntil = clock.instant().plus(pause == null ? DEFAULT_PAUSE : pause);
        }
    }

    /** A request succeeded: after a full window of successes, the window grows by one. */
    public void succeeded(String model, int slots) {
        State state = states.get(model);
        if (state == null) {
            return;
        }
        synchronized (state) {
            if (state.window >= slots) {
                return;
            }
            if (++state.successes >= state.window) {
                state.window++;
                state.successes = 0;
            }
        }
    }
}
