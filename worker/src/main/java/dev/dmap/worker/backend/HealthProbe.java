package dev.dmap.worker.backend;

import dev.dmap.schemas.OutageLog;
import dev.dmap.worker.config.BackendSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes a backend that stopped answering, with doubling waits (from the initial to the maximum
 * probe backoff), until its model listing answers again; then says so once. A probe parses the
 * listing: LM Studio answers 200 even on unknown paths, so a bare status proves nothing.
 */
public final class HealthProbe {
    private static final Logger log = LoggerFactory.getLogger(HealthProbe.class);

    private final ModelCatalogue catalogue;
    private final BackendSettings settings;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final OutageLog outage;
    private volatile String problem;

    public HealthProbe(ModelCatalogue catalogue, BackendSettings settings, ScheduledExecutorService scheduler) {
        this.catalogue = catalogue;
        this.settings = settings;
        this.scheduler = scheduler;
        this.outage = new OutageLog(log, "The backend at " + settings.baseUrl(), Clock.systemUTC());
    }

    /**
     * Starts probing unless a probe is already running; {@code onUp} runs once the backend answers.
     * The outage is logged once when it starts, once a minute while it lasts, once when it ends.
     *
     * @param reason why a call could not reach the backend
     */
    public void awaitRecovery(String reason, Runnable onUp) {
        outage.failed(reason + "; consumption paused");
        if (probing.compareAndSet(false, true)) {
            schedule(settings.probeInitialBackoff(), onUp);
        }
    }

    /** One probe now: whether the backend answers with a model listing. */
    public boolean answers() {
        try {
            catalogue.refresh();
            problem = null;
            return true;
        } catch (RuntimeException e) {
            problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return false;
        }
    }

    /**
     * Why the last probe failed (connection refused, a timeout, 401 with what to set, a 5xx), or
     * null when it answered. Carries no secret: the classifier's messages never include the key.
     */
    public String problem() {
        return problem;
    }

    private void schedule(Duration wait, Runnable onUp) {
        scheduler.schedule(() -> probe(wait, onUp), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe(Duration lastWait, Runnable onUp) {
        if (answers()) {
            probing.set(false);
            outage.answered();
            onUp.run();
            return;
        }
        outage.failed(problem);
        Duration next = lastWait.multipliedBy(2);
        schedule(next.compareTo(settings.probeMaxBackoff()) > 0 ? settings.probeMaxBackoff() : next, onUp);
    }
}
