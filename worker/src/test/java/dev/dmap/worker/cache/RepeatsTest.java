package dev.dmap.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RepeatsTest {
    @Test
    void shouldHandTheRepeatsToTheOneThatComputedTheirKey() {
        Repeats<String> repeats = new Repeats<>();
        repeats.compute("k", "first");
        repeats.await("k", "second");
        repeats.await("k", "third");
        assertThat(repeats.computing("k")).isTrue();
        assertThat(repeats.release("k", "other")).as("only the one computing releases").isEmpty();
        assertThat(repeats.release("k", "first")).containsExactly("second", "third");
        assertThat(repeats.computing("k")).isFalse();
        assertThat(repeats.waiting()).isZero();
    }

    @Test
    void shouldForgetRepeatsWhosePartitionsWent() {
        Repeats<String> repeats = new Repeats<>();
        repeats.compute("k", "a1");
        repeats.await("k", "b1");
        repeats.await("k", "a2");
        repeats.forget(item -> item.startsWith("b"));
        assertThat(repeats.release("k", "a1")).containsExactly("a2");
    }
}
