package dev.dmap.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.worker.backend.HttpReply;
import dev.dmap.worker.backend.RetryableFailure;
import dev.dmap.worker.config.RetrySettings;
import io.github.resilience4j.core.functions.Either;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {
    private final RetrySettings settings = new RetrySettings(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10), 0.5);
    private final BackoffPolicy policy = new BackoffPolicy(settings);

    @Test
    void shouldGrowExponentiallyWithinTheJitterBand() {
        for (int attempt = 1; attempt <= 3; attempt++) {
            double nominal = 1000 * Math.pow(2, attempt - 1);
            long wait = policy.apply(attempt, Either.left(new RuntimeException()));
            assertThat(wait).isBetween((long) (nominal * 0.5), (long) (nominal * 1.5));
        }
    }

    @Test
    void shouldNeverExceedTheMaximum() {
        for (int i = 0; i < 50; i++) {
            assertThat(policy.apply(12, Either.left(new RuntimeException()))).isLessThanOrEqualTo(10_000L);
        }
    }

    @Test
    void shouldWaitAtLeastWhatTheServerAsksInRetryAfter() {
        HttpReply reply = new HttpReply(429, new byte[0], Optional.of(Duration.ofSeconds(8)));
        RetryableFailure failure = new RetryableFailure(RetryableFailure.Reason.RATE_LIMITED, "429", reply, null);
        assertThat(policy.apply(1, Either.left(failure))).isEqualTo(8000L);
    }
}
