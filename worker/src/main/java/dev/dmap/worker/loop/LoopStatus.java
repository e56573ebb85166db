package dev.dmap.worker.loop;

import java.time.Instant;
import java.util.Set;

/**
 * The consumer loop's and the scheduler's state, for health checks.
 *
 * @param running     the loop thread is alive and not stopping
 * @param backendDown consumption is paused because the backend does not answer
 * @param lastPoll    when the loop last returned from a poll
 * @param serving     the models the scheduler serves now
 * @param waiting     fetched requests waiting for a slot
 * @param inFlight    requests being served
 * @param failure     why the loop stopped on its own (the process is about to exit), or null
 */
public record LoopStatus(boolean running, boolean backendDown, Instant lastPoll, Set<String> serving, int waiting,
        int inFlight, String failure) {
    public LoopStatus {
        serving = Set.copyOf(serving);
    }
}
