package dev.dmap.gateway.batches;

import java.time.Duration;

/**
 * How long a failed publication waits before its next attempt: nothing before the first, then
 * {@code first} doubling per attempt up to {@code last}. A pure function of the attempt
 * (resilience4j's {@code IntervalFunction}), tested without sleeping.
 *
 * @param first the wait before the second attempt
 * @param last  the longest wait
 */
record Backoff(Duration first, Duration last) {
    /** 10 s, 20 s, 40 s … up to 5 min. */
    static final Backoff PUBLISHING = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5));

    /** The wait before attempt {@code attempt} (0 is the first attempt). */
    Duration before(int attempt) {
        if (attempt <= 0) {
            return Duration.ZERO;
        }
        Duration doubled = first.multipliedBy(1L << Math.min(attempt - 1, 20));
        return doubled.compareTo(last) > 0 ? last : doubled;
    }
}
