package dev.dmap.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatenciesTest {
    @Test
    void shouldGiveThePercentilesOfKnownValues() {
        Latencies latencies = new Latencies();
        for (int i = 1; i <= 100; i++) {
            latencies.add(i / 10.0); // 0.1 s to 10.0 s
        }

        assertThat(latencies.percentile(50)).isCloseTo(5.0, within(0.01));
        assertThat(latencies.percentile(95)).isCloseTo(9.5, within(0.01));
        assertThat(latencies.percentile(99)).isCloseTo(9.9, within(0.01));
        assertThat(latencies.percentile(100)).isCloseTo(10.0, within(0.01));
    }

    @Test
    void shouldReadZeroWhenNothingWasRecorded() {
        assertThat(new Latencies().percentile(99)).isZero();
    }
}
