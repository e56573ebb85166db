package dev.dmap.worker.scheduling;

import java.time.Duration;
import java.time.Instant;

/**
 * Finds the in-flight window of one model on a server that does not report its slots: the
 * concurrency where throughput stops rising. It measures completions per second over epochs in
 * which the window, not the backlog, set the pace; it grows the window while a step up raises
 * throughput by {@link #GAIN} (additive: a quarter of the window, at least one), steps back to the
 * better window when it does not, holds there, and now and then probes one above and one below.
 * Back-pressure (429, 503, timeouts) halves the window and keeps it below the overloaded size for
 * {@link #OVERLOAD_MEMORY}. Never above the ceiling, never below one. Not thread-safe: the
 * {@link AdaptiveWindow} holds one per model under its lock.
 */
final class WindowSearch {
    /** A step up counts only if throughput rises by this fraction. */
    static final double GAIN = 0.03;
    /** A step down is kept if throughput stays within this fraction: the same work with less in flight. */
    static final double KEEP_DOWN = 0.01;
    static final int MIN_SAMPLES = 32;
    /** Completions per epoch, in windows: enough that a window's worth finishing together does not decide. */
    static final int WINDOWS_PER_EPOCH = 4;
    static final int HOLD_EPOCHS = 10;
    static final Duration OVERLOAD_MEMORY = Duration.ofMinutes(2);
    /** The share of an epoch's completions that must find the window full for the epoch to count. */
    static final double SATURATED = 0.75;

    enum Phase { GROW, HOLD, PROBE_UP, PROBE_DOWN }

    private final int ceiling;
    private final Duration minEpoch;
    private int window;
    private Phase phase = Phase.GROW;
    private int warmup;
    private Instant epochStart;
    private int done;
    private int full;
    private int baseWindow;
    private double baseRate = -1;
    private int held;
    private int overloadedAt = Integer.MAX_VALUE;
    private Instant overloadedUntil = Instant.MIN;

    WindowSearch(int start, int ceiling, Duration minEpoch) {
        this.ceiling = Math.max(1, ceiling);
        this.minEpoch = minEpoch;
        this.window = Math.max(1, Math.min(start, this.ceiling));
    }

    int window() {
        return window;
    }

    Phase phase() {
        return phase;
    }

    /** A request of this model finished; {@code windowFull} when the window was full and more waited. */
    void finished(boolean windowFull, Instant now) {
        if (warmup > 0) {
            warmup--; // it started under the window before the change
            return;
        }
        if (epochStart == null) {
            epochStart = now;
            return;
        }
        done++;
        if (windowFull) {
            full++;
        }
        Duration elapsed = Duration.between(epochStart, now);
        if (done < Math.max(MIN_SAMPLES, WINDOWS_PER_EPOCH * window) || elapsed.compareTo(minEpoch) < 0) {
            return;
        }
        double rate = done / Math.max(1e-9, elapsed.toNanos() / 1e9);
        boolean saturated = full >= SATURATED * done;
        epochStart = now;
        done = 0;
        full = 0;
        if (saturated) {
            settle(rate, now);
        }
    }

    /** The server pushed back: halve the window and stay below this size for a while. */
    void overloaded(Instant now) {
        overloadedAt = window;
        overloadedUntil = now.plus(OVERLOAD_MEMORY);
        baseRate = -1;
        phase = Phase.GROW;
        change(Math.max(1, window / 2));
    }

    private void settle(double rate, Instant now) {
        switch (phase) {
            case GROW -> {
                if (baseRate < 0 || rate > baseRate * (1 + GAIN)) {
                    base(rate);
                    stepUp(now);
                } else {
                    change(baseWindow); // no gain: the smaller window does the same work
                    hold();
                }
            }
            case HOLD -> {
                baseRate = rate; // follow drift at the held window
                if (++held >= HOLD_EPOCHS) {
                    probeUp(now);
                }
            }
            case PROBE_UP -> {
                if (rate > baseRate * (1 + GAIN)) {
                    base(rate);
                    phase = Phase.GROW;
                    stepUp(now);
                } else if (baseWindow > 1) {
                    phase = Phase.PROBE_DOWN;
                    change(baseWindow - 1);
                } else {
                    change(baseWindow);
                    hold();
                }
            }
            case PROBE_DOWN -> {
                if (rate >= baseRate * (1 - KEEP_DOWN)) {
                    base(rate);
                } else {
                    change(baseWindow);
                }
                hold();
            }
        }
    }

    private void base(double rate) {
        baseWindow = window;
        baseRate = rate;
    }

    private void stepUp(Instant now) {
        int next = Math.min(window + Math.max(1, window / 4), highest(now));
        if (next <= window) {
            hold();
        } else {
            change(next);
        }
    }

    private void probeUp(Instant now) {
        if (window + 1 <= highest(now)) {
            phase = Phase.PROBE_UP;
            change(window + 1);
        } else {
            held = 0;
        }
    }

    private int highest(Instant now) {
        return now.isBefore(overloadedUntil) ? Math.min(ceiling, overloadedAt - 1) : ceiling;
    }

    private void hold() {
        phase = Phase.HOLD;
        held = 0;
    }

    private void change(int next) {
        warmup = window; // those in flight now started under the old window
        window = Math.max(1, next);
        epochStart = null;
        done = 0;
        full = 0;
    }
}
