package dev.dmap.worker.backend;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the backend can be used, kept in one place and read by everyone who asks (the poll
 * loop's pauses, the dispatcher, the health indicator, the {@code dmap_backend_up} gauge, the
 * status records). Two facts feed it: a call that could not reach the backend pauses it, and a
 * probe with backoff then runs until the backend answers; and a periodic check says whether an
 * authenticated listing answers, which is what readiness reports. Thread-safe.
 */
public final class BackendState {
    private final HealthProbe probe;
    private final AtomicBoolean paused = new AtomicBoolean();
    private volatile boolean answers;

    /** @param answersAtStart the first check's answer: readiness starts from an answer, not from a hope */
    public BackendState(HealthProbe probe, boolean answersAtStart) {
        this.probe = probe;
        this.answers = answersAtStart;
    }

    /**
     * A call could not reach the backend: nothing new starts, and a probe runs until it answers.
     * Only the first report of an outage logs and starts the probe.
     */
    public void unreachable(String reason) {
        if (paused.compareAndSet(false, true)) {
            answers = false;
            probe.awaitRecovery(reason, this::recovered);
        }
    }

    private void recovered() {
        answers = true;
        paused.set(false);
    }

    /** The periodic check: whether an authenticated listing answers now. */
    public void check() {
        answers = probe.answers();
    }

    /** Consumption is paused because a call could not reach the backend, until the probe says it answers. */
    public boolean paused() {
        return paused.get();
    }

    /** Whether requests can be served: not paused, and the last check answered. */
    public boolean usable() {
        return !paused.get() && answers;
    }

    /** Why the last check or probe failed (refused, a timeout, 401 with what to set, a 5xx), or null. */
    public String problem() {
        return probe.problem();
    }
}
