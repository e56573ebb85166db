package dev.dmap.worker.app;

import dev.dmap.worker.Worker;
import dev.dmap.worker.loop.LoopStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.TreeSet;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code scheduler}: UP while the consumer loop runs and polls; DOWN when it has stopped (fenced,
 * or failed) or has not returned from a poll for {@link #STALL}. Part of liveness: a worker in
 * that state does no work and should be restarted. Details: the strategy, the models being
 * served, requests waiting and in flight. Reads the worker's state, no I/O.
 */
class SchedulerHealthIndicator implements HealthIndicator {
    static final Duration STALL = Duration.ofMinutes(2);

    private final Worker worker;
    private final String strategy;
    private final Clock clock;

    SchedulerHealthIndicator(Worker worker, String strategy, Clock clock) {
        this.worker = worker;
        this.strategy = strategy;
        this.clock = clock;
    }

    @Override
    public Health health() {
        LoopStatus status = worker.status();
        Duration sincePoll = Duration.between(status.lastPoll(), clock.instant());
        boolean stalled = status.lastPoll().isAfter(java.time.Instant.EPOCH) && sincePoll.compareTo(STALL) > 0;
        Health.Builder health = status.running() && !stalled ? Health.up() : Health.down();
        if (!status.running()) {
            health.withDetail("reason", "the consumer loop has stopped");
        } else if (stalled) {
            health.withDetail("reason", "no poll for " + sincePoll.toSeconds() + " s");
        }
        return health.withDetail("strategy", strategy)
                .withDetail("serving", new TreeSet<>(status.serving()))
                .withDetail("waiting", status.waiting())
                .withDetail("inFlight", status.inFlight())
                .withDetail("backendPaused", status.backendDown())
                .build();
    }
}
