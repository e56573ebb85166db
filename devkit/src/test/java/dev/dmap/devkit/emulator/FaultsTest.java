package dev.dmap.devkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FaultsTest {
    private final Faults faults = new Faults();

    @Test
    void shouldFailExactlyTheNextNCalls() {
        faults.failNext(2, 503);

        assertThat(faults.nextInferenceDecision()).isEqualTo(new Faults.Decision(Faults.Kind.ERROR, 503));
        assertThat(faults.nextInferenceDecision()).isEqualTo(new Faults.Decision(Faults.Kind.ERROR, 503));
        assertThat(faults.nextInferenceDecision()).isEqualTo(Faults.Decision.NONE);
    }

    @Test
    void shouldPreferPendingFailuresOverDrops() {
        faults.dropRate(1).failNext(1, 429);

        assertThat(faults.nextInferenceDecision().kind()).isEqualTo(Faults.Kind.ERROR);
        assertThat(faults.nextInferenceDecision().kind()).isEqualTo(Faults.Kind.DROP);
    }

    @Test
    void shouldAnswerEveryCallWithTheServerErrorStatusAtRateOne() {
        faults.serverErrorRate(1).serverErrorStatus(502);

        assertThat(faults.nextInferenceDecision()).isEqualTo(new Faults.Decision(Faults.Kind.ERROR, 502));
    }

    @Test
    void shouldRepeatTheSameDrawsForTheSameSeed() {
        Faults other = new Faults();
        faults.seed(5);
        other.seed(5);
        faults.serverErrorRate(0.5);
        other.serverErrorRate(0.5);

        List<Faults.Kind> first = IntStream.range(0, 40).mapToObj(i -> faults.nextInferenceDecision().kind()).toList();
        List<Faults.Kind> second = IntStream.range(0, 40).mapToObj(i -> other.nextInferenceDecision().kind()).toList();

        assertThat(first).isEqualTo(second).contains(Faults.Kind.ERROR, Faults.Kind.NONE);
    }

    @Test
    void shouldFailLoadsOfListedModelsUntilCleared() {
        faults.failLoads("a", "b");

        assertThat(faults.loadFails("a")).isTrue();
        assertThat(faults.loadFails("c")).isFalse();
        faults.clearFailLoads();
        assertThat(faults.loadFails("a")).isFalse();
    }

    @Test
    void shouldResetEverything() {
        faults.serverErrorRate(1).dropRate(1).loadSlowdown(3).failLoads("a").failNext(3, 500);

        faults.reset();

        assertThat(faults.nextInferenceDecision()).isEqualTo(Faults.Decision.NONE);
        assertThat(faults.loadSlowdown()).isEqualTo(1.0);
        assertThat(faults.failingLoads()).isEmpty();
    }

    @Test
    void shouldRejectOutOfRangeSettings() {
        assertThatThrownBy(() -> faults.serverErrorRate(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> faults.dropRate(-0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> faults.serverErrorStatus(404)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> faults.failNext(1, 200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> faults.loadSlowdown(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
