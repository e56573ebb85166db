package dev.dmap.worker.pipeline;

import dev.dmap.worker.backend.BackendFailure;
import dev.dmap.worker.backend.HttpReply;
import dev.dmap.worker.config.RetrySettings;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.Either;
import java.time.Duration;
import java.util.Optional;

/**
 * How long to wait before retry number {@code attempt}: exponential with jitter (resilience4j's
 * {@link IntervalFunction#ofExponentialRandomBackoff}), and at least a server's {@code Retry-After}
 * up to {@code max-backoff}: a server asking for longer gets {@code max-backoff}, so that one
 * request never holds a slot for the server's whole wish (the backend-down path covers long
 * outages). A pure function of the attempt and the failure; nothing sleeps here.
 */
public final class BackoffPolicy implements IntervalBiFunction<HttpReply> {
    private final IntervalFunction exponential;
    private final Duration max;

    public BackoffPolicy(RetrySettings settings) {
        this.exponential = IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff(), settings.multiplier(),
                settings.jitter(), settings.maxBackoff());
        this.max = settings.maxBackoff();
    }

    /** @return milliseconds to wait; {@code attempt} counts from 1 for the wait after the first call */
    @Override
    public Long apply(Integer attempt, Either<Throwable, HttpReply> outcome) {
        long backoff = exponential.apply(attempt);
        long serverAsked = retryAfter(outcome).map(Duration::toMillis).orElse(0L);
        return Math.min(Math.max(backoff, serverAsked), Math.max(max.toMillis(), backoff));
    }

    private static Optional<Duration> retryAfter(Either<Throwable, HttpReply> outcome) {
        if (outcome.isLeft() && outcome.getLeft() instanceof BackendFailure failure) {
            return failure.reply().flatMap(HttpReply::retryAfter);
        }
        return Optional.empty();
    }
}
