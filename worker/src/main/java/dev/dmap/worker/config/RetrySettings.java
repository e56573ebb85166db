package dev.dmap.worker.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Retries of transient backend failures (5xx, 429, timeouts, dropped connections): exponential
 * backoff with jitter. Permanent failures (4xx) are never retried.
 *
 * @param maxAttempts    backend calls per request, the first included
 * @param initialBackoff wait before the second call
 * @param multiplier     growth of the wait per attempt
 * @param maxBackoff     longest wait
 * @param jitter         randomization factor in [0, 1): each wait is drawn from ±jitter around its nominal value
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff, double jitter) {
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(60);
    public static final double DEFAULT_JITTER = 0.5;

    public RetrySettings {
        Durations.requirePositive(initialBackoff, "initialBackoff");
        Durations.requirePositive(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxBackoff);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1");
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1)");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be at least initialBackoff");
        }
    }

    public static RetrySettings defaults() {
        return new RetrySettings(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF, DEFAULT_MULTIPLIER, DEFAULT_MAX_BACKOFF,
                DEFAULT_JITTER);
    }
}
