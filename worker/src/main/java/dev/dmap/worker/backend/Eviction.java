package dev.dmap.worker.backend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes room for a model to load: unloads the least recently used model without open {@link Lease}s
 * until one more fits, waiting for a lease to close while every loaded model is busy, then starts the
 * unload cooldown. Runs under {@link ModelResidency}'s lock.
 */
final class Eviction {
    private static final Logger log = LoggerFactory.getLogger(Eviction.class);
    private final Backend client;
    private final Believed believed;
    private final Leases leases;
    private final UnloadCooldown cooldown;
    private final ResidencyListener listener;
    private final Clock clock;

    Eviction(Backend client, Believed believed, Leases leases, UnloadCooldown cooldown, ResidencyListener listener, Clock clock) {
        this.client = client;
        this.believed = believed;
        this.leases = leases;
        this.cooldown = cooldown;
        this.listener = listener;
        this.clock = clock;
    }

    /** Unloads idle models until one more fits under {@code maxLoaded}; returns the last one unloaded, or null. */
    String makeRoom(String model, int maxLoaded, Instant deadline) {
        String replaced = null;
        while (believed.size() >= maxLoaded) {
            Optional<String> victim = leases.leastRecentlyUsedIdle(believed.models());
            if (victim.isPresent()) {
                unload(victim.get());
                replaced = victim.get();
                continue;
            }
            long remaining = Duration.between(clock.instant(), deadline).toMillis();
            if (remaining <= 0) {
                throw new RetryableFailure(RetryableFailure.Reason.LOAD_FAILED, "no room to load " + model
                        + ": every loaded model is serving requests", null, null);
            }
            leases.awaitRelease(remaining);
        }
        return replaced;
    }

    private void unload(String model) {
        LoadedModel victim = believed.get(model);
        // Removed before the lease count is read: a request taking a lease re-checks the belief
        // after taking it, so one of the two sides always sees the other.
        believed.remove(model);
        if (leases.inUse(model)) {
            believed.add(victim);
            return;
        }
        log.info("Unloading model {}", model);
        for (String instanceId : victim.instanceIds()) {
            try {
                client.unload(instanceId);
            } catch (PermanentFailure e) {
                // the backend restarted, or unloaded it by itself (LM Studio's TTL, llama-server's
                // eviction): it is gone already, which is what we wanted; re-read the rest
                log.info("Model {} (instance {}) was no longer loaded: {}", model, instanceId, e.getMessage());
                believed.markStale();
            }
        }
        cooldown.unloaded();
        listener.unloaded(model);
    }
}
