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

    /** Settings from values that may be missing (null, as Spring binds an absent key): each missing value takes its default. */
    public static RetrySettings of(Integer maxAttempts, Duration initialBackoff, Double multiplier, Duration maxBackoff,
            Double jitter) {
        return new RetrySettings(or(maxAttempts, DEFAULT_MAX_ATTEMPTS), or(initialBackoff, DEFAULT_INITIAL_BACKOFF),
                or(multiplier, DEFAULT_MULTIPLIER), or(maxBackoff, DEFAULT_MAX_BACKOFF), or(jitter, DEFAULT_JITTER));
    }

    public static RetrySettings defaults() {
        return of(null, null, null, null, null);
    }
    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

}
