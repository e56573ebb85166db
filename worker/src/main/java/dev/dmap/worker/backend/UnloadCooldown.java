package dev.dmap.worker.backend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The article's cooldown: after an unload, the next load waits this long, so that the GPU driver can
 * release memory (against CUDA error 700 on rapid swaps). Used under the residency's lock.
 */
final class UnloadCooldown {
    private final Duration cooldown;
    private final Clock clock;
    private final Sleeper sleeper;
    private Instant lastUnloadAt = Instant.MIN;

    UnloadCooldown(Duration cooldown, Clock clock, Sleeper sleeper) {
        this.cooldown = cooldown;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** An unload just finished. */
    void unloaded() {
        lastUnloadAt = clock.instant();
    }

    /** Waits out what is left of the cooldown, if anything. */
    void await() {
        if (lastUnloadAt.equals(Instant.MIN)) {
            return;
        }
        Duration wait = Duration.between(clock.instant(), lastUnloadAt.plus(cooldown));
        if (!wait.isNegative() && !wait.isZero()) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetryableFailure(RetryableFailure.Reason.LOAD_FAILED, "interrupted during unload cooldown", null, e);
            }
        }
    }
}
