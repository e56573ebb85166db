package dev.dmap.bench.chaos;

import java.time.Duration;
import java.time.Instant;

/**
 * One fault of the run: what was done to which part, when, and for how long.
 *
 * @param kind   what was done
 * @param target the broker's node id, or the worker's or backend's index
 * @param start  when it was done
 * @param length how long the part stayed away (zero for an instant fault, such as a backend restart)
 */
record Fault(Kind kind, int target, Instant start, Duration length) {
    enum Kind {
        BROKER_KILL("SIGKILL a broker, restart it"),
        BROKER_STOP("stop a broker cleanly, restart it"),
        BROKER_FREEZE("SIGSTOP a broker, SIGCONT it"),
        WORKER_KILL("SIGKILL a worker, restart it"),
        WORKER_FREEZE("SIGSTOP a worker, SIGCONT it"),
        BACKEND_CRASH("crash a backend (models lost), restart it"),
        BACKEND_RESTART("restart a backend at once with nothing loaded");

        final String text;

        Kind(String text) {
            this.text = text;
        }
    }

    Instant end() {
        return start.plus(length);
    }

    @Override
    public String toString() {
        String who = kind.name().startsWith("BROKER") ? "broker " + target
                : kind.name().startsWith("WORKER") ? "worker chaos-" + target : "backend " + target;
        return String.format("%s %-15s %-16s %5.1f s", start, kind, who, length.toMillis() / 1000.0);
    }
}
