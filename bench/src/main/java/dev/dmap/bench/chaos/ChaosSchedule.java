package dev.dmap.bench.chaos;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The seeded random fault schedule: one fault at a time, each of a random kind, target and
 * length, with a random pause after it, until the run's time is up. The same seed gives the same
 * choices, so a failure can be replayed (the timing of the system under it, of course, varies).
 */
final class ChaosSchedule {
    private static final Fault.Kind[] KINDS = Fault.Kind.values();

    private final Random random;
    private final ChaosFleet fleet;
    private final Clock clock;
    private final PrintStream out;
    private final List<Fault> done = new ArrayList<>();

    ChaosSchedule(long seed, ChaosFleet fleet, Clock clock, PrintStream out) {
        this.random = new Random(seed);
        this.fleet = fleet;
        this.clock = clock;
        this.out = out;
    }

    /** Runs faults until {@code until}; every part is running again when it returns. */
    List<Fault> run(Instant until) throws Exception {
        while (clock.instant().isBefore(until)) {
            Fault.Kind kind = KINDS[random.nextInt(KINDS.length)];
            int target = kind.name().startsWith("BROKER") ? 1 + random.nextInt(fleet.brokers()) : random.nextInt(fleet.workers());
            // a frozen worker sometimes outlasts its session (45 s); a broker away sometimes outlasts request timeouts (30 s)
            Duration length = switch (kind) {
                case BACKEND_RESTART -> Duration.ZERO;
                case WORKER_FREEZE -> seconds(3, 70);
                case WORKER_KILL -> seconds(0, 15);
                default -> seconds(3, 40);
            };
            Instant start = clock.instant();
            apply(kind, target);
            if (!length.isZero()) {
                sleep(length);
            }
            recover(kind, target);
            Fault fault = new Fault(kind, target, start, Duration.between(start, clock.instant()));
            done.add(fault);
            out.println("  fault " + done.size() + ": " + fault);
            out.flush();
            sleep(seconds(1, 5));
        }
        return done;
    }

    private void apply(Fault.Kind kind, int target) throws Exception {
        switch (kind) {
            case BROKER_KILL -> fleet.killBroker(target);
            case BROKER_STOP -> fleet.stopBroker(target);
            case BROKER_FREEZE -> fleet.freezeBroker(target);
            case WORKER_KILL -> fleet.killWorker(target);
            case WORKER_FREEZE -> fleet.freezeWorker(target);
            case BACKEND_CRASH -> fleet.crashBackend(target);
            case BACKEND_RESTART -> fleet.restartBackend(target);
        }
    }

    private void recover(Fault.Kind kind, int target) throws Exception {
        switch (kind) {
            case BROKER_KILL, BROKER_STOP -> fleet.restartBroker(target);
            case BROKER_FREEZE -> fleet.thawBroker(target);
            case WORKER_KILL -> {
                fleet.startWorker(target);
                fleet.awaitLive(target, Duration.ofMinutes(2));
            }
            case WORKER_FREEZE -> fleet.thawWorker(target);
            case BACKEND_CRASH -> fleet.restartBackend(target);
            case BACKEND_RESTART -> {
                // instant: it listens again already
            }
        }
    }

    private Duration seconds(int least, int most) {
        return Duration.ofMillis(1_000L * least + random.nextInt((most - least) * 1_000 + 1));
    }

    private static void sleep(Duration length) throws InterruptedException {
        Thread.sleep(length.toMillis());
    }
}
