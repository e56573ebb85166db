package dev.dmap.devkit.emulator;

import java.time.Duration;

/**
 * Turns simulated durations (what the emulated GPU would take) into real waits, multiplied by
 * the time scale. Scale 0 skips every wait, so tests and throughput benchmarks run at full
 * speed; scale 0.01 makes a 3.6 s load take 36 ms.
 */
final class SimulatedTime {
    private final double timeScale;

    SimulatedTime(double timeScale) {
        if (!(timeScale >= 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("timeScale must be a finite number >= 0, was " + timeScale);
        }
        this.timeScale = timeScale;
    }

    /** Simulated seconds for {@code amount} units processed at {@code perSecond} units per second. */
    static Duration forWork(double amount, double perSecond) {
        return Duration.ofNanos(Math.round(amount / perSecond * 1e9));
    }

    /** The real time that {@code simulated} stands for. */
    Duration scaled(Duration simulated) {
        return Duration.ofNanos(Math.round(simulated.toNanos() * timeScale));
    }

    /**
     * Waits the scaled equivalent of {@code simulated}, or less if {@code cancellation} fires.
     *
     * @throws Cancellation.CancelledException when cancelled
     */
    void await(Duration simulated, Cancellation cancellation) {
        cancellation.await(scaled(simulated).toNanos());
    }
}
