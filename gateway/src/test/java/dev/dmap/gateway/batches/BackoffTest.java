package dev.dmap.gateway.batches;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void shouldWaitNothingFirstThenDoubleFromTenSecondsUpToFiveMinutes() {
        Backoff backoff = Backoff.PUBLISHING;

        assertThat(backoff.before(0)).isZero();
        assertThat(backoff.before(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.before(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.before(5)).isEqualTo(Duration.ofSeconds(160));
        assertThat(backoff.before(6)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backoff.before(1_000)).isEqualTo(Duration.ofMinutes(5));
    }
}
