package dev.dmap.worker.app;

import dev.dmap.worker.Worker;
import dev.dmap.worker.backend.ModelListing;
import dev.dmap.worker.loop.LoopStatus;
import java.net.URI;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code backend}: DOWN while the backend (LM Studio, llama-server or another OpenAI-compatible
 * server) does not answer: the worker has paused consumption because a call failed, or the periodic
 * check of its model listing failed. Details name the URL and the models loaded. Part of readiness.
 * Reads the worker's state, no I/O. Also registered as {@code lmstudio}, its name until 0.1, for one
 * release, so that an operator's probe of {@code /actuator/health/lmstudio} keeps working.
 */
class BackendHealthIndicator implements HealthIndicator {
    private final Worker worker;
    private final URI url;

    BackendHealthIndicator(Worker worker, URI url) {
        this.worker = worker;
        this.url = url;
    }

    @Override
    public Health health() {
        LoopStatus status = worker.status();
        ModelListing listing = worker.lastListing();
        Health.Builder health = worker.backendUsable() ? Health.up() : Health.down();
        health.withDetail("url", url.toString()).withDetail("loadedModels", worker.loadedModels());
        String problem = worker.backendProblem();
        if (problem != null) {
            health.withDetail("reason", problem);
        } else if (status.backendDown()) {
            health.withDetail("reason", "a call failed; the worker is probing until the backend answers");
        }
        if (!worker.failedLoads().isEmpty()) {
            health.withDetail("failedLoads", worker.failedLoads());
        }
        if (listing != null) {
            health.withDetail("availableModels", listing.available().size()).withDetail("listedAt", listing.readAt().toString());
        }
        return health.build();
    }
}
