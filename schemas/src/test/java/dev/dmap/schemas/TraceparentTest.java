package dev.dmap.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceparentTest {
    @Test
    void shouldParseTheW3cExample() {
        Traceparent parsed = Traceparent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").orElseThrow();

        assertThat(parsed.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(parsed.parentId()).isEqualTo("00f067aa0ba902b7");
        assertThat(parsed.sampled()).isTrue();
        assertThat(parsed).hasToString("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    @Test
    void shouldReadAnUnsampledFlag() {
        assertThat(Traceparent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").orElseThrow().sampled()).isFalse();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"})
    void shouldRefuseMalformedValues(String value) {
        assertThat(Traceparent.parse(value)).isEmpty();
    }

    @Test
    void shouldMakeRandomSampledTracesThatParseBack() {
        Traceparent random = Traceparent.random();

        assertThat(random.sampled()).isTrue();
        assertThat(Traceparent.parse(random.toString())).contains(random);
    }

    @Test
    void shouldStartADistinctValidTraceEachTime() {
        java.util.Set<String> traceIds = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String value = Traceparent.random().toString();
            assertThat(value).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            traceIds.add(value.substring(3, 35));
        }
        assertThat(traceIds).hasSize(1000);
    }
}
