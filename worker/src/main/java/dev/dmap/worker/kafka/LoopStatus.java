package dev.dmap.worker.kafka;

import java.time.Instant;

/**
 * The consumer loop's state for health checks.
 *
 * @param running     the loop thread is alive and not stopping
 * @param backendDown consumption is paused because the backend does not answer
 * @param lastPoll    when the loop last returned from a poll
 */
public record LoopStatus(boolean running, boolean backendDown, Instant lastPoll) {
}
