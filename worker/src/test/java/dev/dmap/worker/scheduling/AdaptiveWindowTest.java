package dev.dmap.worker.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdaptiveWindowTest {
    private final MutableClock clock = new MutableClock();
    private final AdaptiveWindow window = new AdaptiveWindow(clock);

    @Test
    void shouldAllowEverySlotUntilTheBackendPushesBack() {
        assertThat(window.limit("m", 8)).isEqualTo(8);
    }

    @Test
    void shouldHalveAndPauseOnOverload() {
        window.overloaded("m", 8, Duration.ofSeconds(2));
        assertThat(window.limit("m", 8)).as("paused").isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(window.limit("m", 8)).isEqualTo(4);
        window.overloaded("m", 8, null);
        clock.advance(Duration.ofSeconds(1));
        assertThat(window.limit("m", 8)).isEqualTo(2);
    }

    @Test
    void shouldNeverGoBelowOne() {
        for (int i = 0; i < 10; i++) {
            window.overloaded("m", 8, Duration.ZERO);
        }
        assertThat(window.limit("m", 8)).isEqualTo(1);
    }

    @Test
    void shouldGrowByOneAfterAWindowOfSuccessesUpToTheSlots() {
        window.overloaded("m", 4, Duration.ZERO); // 2
        window.succeeded("m", 4);
        assertThat(window.limit("m", 4)).isEqualTo(2);
        window.succeeded("m", 4);
        assertThat(window.limit("m", 4)).isEqualTo(3);
        for (int i = 0; i < 10; i++) {
            window.succeeded("m", 4);
        }
        assertThat(window.limit("m", 4)).isEqualTo(4);
    }

    @Test
    void shouldKeepModelsApart() {
        window.overloaded("a", 4, Duration.ofSeconds(5));
        assertThat(window.limit("b", 4)).isEqualTo(4);
    }
}
