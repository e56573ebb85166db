package dev.dmap.worker.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.testing.MutableClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The window search on a server that reports no slots, driven by a simulated server whose
 * throughput (completions per second) is a function of the requests in flight, and an injected clock.
 */
class WindowSearchTest {
    private static final Duration TICK = Duration.ofMillis(10);

    private final MutableClock clock = new MutableClock();
    private final AdaptiveWindow windows = new AdaptiveWindow(clock, 64, Duration.ofSeconds(2));

    /** Throughput rises to a peak at 12 in flight, then falls as the server thrashes. */
    private static double peakAt12(int inFlight) {
        double rising = 10.0 * inFlight / (1 + 0.05 * (inFlight - 1));
        if (inFlight <= 12) {
            return rising;
        }
        double peak = 10.0 * 12 / (1 + 0.05 * 11);
        return peak * Math.max(0.3, 1 - 0.05 * (inFlight - 12));
    }

    @Test
    void shouldGrowFromTheConfiguredWindowToWhereThroughputPeaks() {
        Map<Integer, Integer> time = run(WindowSearchTest::peakAt12, Duration.ofMinutes(20), true);

        assertThat(time.keySet()).as("windows tried").contains(4).allMatch(window -> window <= 16);
        int held = mostOf(time);
        assertThat(held).as("the window held most of the time").isBetween(11, 13);
        assertThat(windows.limit("m", 4, true)).isBetween(10, 14);
    }

    @Test
    void shouldStopWhereMoreInFlightNoLongerRaisesThroughput() {
        Map<Integer, Integer> time = run(inFlight -> 20.0 * Math.min(inFlight, 8), Duration.ofMinutes(20), true);

        assertThat(mostOf(time)).as("a plateau from 8: more in flight only queues").isEqualTo(8);
        assertThat(time.keySet()).allMatch(window -> window <= 11);
    }

    @Test
    void shouldNeverGoAboveTheCeiling() {
        AdaptiveWindow capped = new AdaptiveWindow(clock, 16, Duration.ofSeconds(2));
        Map<Integer, Integer> time = run(capped, inFlight -> 10.0 * inFlight, Duration.ofMinutes(10), true);

        assertThat(time.keySet()).allMatch(window -> window <= 16);
        assertThat(capped.limit("m", 4, true)).isEqualTo(16);
    }

    @Test
    void shouldNotGrowWhileTheBacklogRatherThanTheWindowSetsThePace() {
        Map<Integer, Integer> time = run(inFlight -> 10.0 * inFlight, Duration.ofMinutes(5), false);

        assertThat(time.keySet()).containsOnly(4);
    }

    @Test
    void shouldHalveOnBackPressureAndStayBelowTheOverloadedSizeForAWhile() {
        run(inFlight -> 10.0 * inFlight, Duration.ofMinutes(2), true);
        int before = windows.limit("m", 4, true);
        assertThat(before).isGreaterThan(8);

        windows.overloaded("m", 4, Duration.ofSeconds(1));
        assertThat(windows.limit("m", 4, true)).as("paused").isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(windows.limit("m", 4, true)).isEqualTo(before / 2);

        Map<Integer, Integer> time = run(inFlight -> 10.0 * inFlight, WindowSearch.OVERLOAD_MEMORY.minusSeconds(10), true);
        assertThat(time.keySet()).as("below the size that was refused").allMatch(window -> window < before);
    }

    @Test
    void shouldKeepTheSlotsOfAServerThatReportsThem() {
        Map<Integer, Integer> time = run(inFlight -> 10.0 * inFlight, Duration.ofMinutes(5), true, false);

        assertThat(time.keySet()).containsOnly(4);
    }

    @Test
    void shouldNotSearchWhenTheCeilingIsNotAboveTheSlots() {
        AdaptiveWindow noSearch = new AdaptiveWindow(clock, 4, Duration.ofSeconds(2));
        Map<Integer, Integer> time = run(noSearch, inFlight -> 10.0 * inFlight, Duration.ofMinutes(5), true, true);

        assertThat(time.keySet()).containsOnly(4);
    }

    private Map<Integer, Integer> run(IntToDoubleFunction throughput, Duration length, boolean saturated) {
        return run(windows, throughput, length, saturated, true);
    }

    private Map<Integer, Integer> run(IntToDoubleFunction throughput, Duration length, boolean saturated, boolean searched) {
        return run(windows, throughput, length, saturated, searched);
    }

    private Map<Integer, Integer> run(AdaptiveWindow under, IntToDoubleFunction throughput, Duration length, boolean saturated) {
        return run(under, throughput, length, saturated, true);
    }

    /**
     * Runs the simulated server for {@code length}: each tick it finishes what its throughput at the
     * current window allows; returns the ticks spent at each window.
     */
    private Map<Integer, Integer> run(AdaptiveWindow under, IntToDoubleFunction throughput, Duration length, boolean saturated,
            boolean searched) {
        Map<Integer, Integer> ticks = new HashMap<>();
        double owed = 0;
        for (long t = 0; t < length.dividedBy(TICK); t++) {
            clock.advance(TICK);
            int window = under.limit("m", 4, searched);
            if (window == 0) {
                continue;
            }
            ticks.merge(window, 1, Integer::sum);
            owed += throughput.applyAsDouble(window) * TICK.toNanos() / 1e9;
            for (; owed >= 1; owed--) {
                under.finished("m", saturated);
            }
        }
        return ticks;
    }

    private static int mostOf(Map<Integer, Integer> ticks) {
        return ticks.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
}
