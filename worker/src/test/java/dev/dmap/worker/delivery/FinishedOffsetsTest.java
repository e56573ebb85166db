package dev.dmap.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class FinishedOffsetsTest {

    @Test
    void shouldRoundTripTheFinishedOffsetsAboveTheCommit() {
        NavigableSet<Long> finished = new TreeSet<>(List.of(501L, 502L, 777L, 4000L));
        String metadata = FinishedOffsets.encode(500, finished);
        assertThat(metadata).startsWith("dmap1:");
        assertThat(FinishedOffsets.decode(500, metadata)).containsExactlyElementsOf(finished);
    }

    @Test
    void shouldIgnoreOffsetsAtOrBelowTheCommit() {
        String metadata = FinishedOffsets.encode(10, new TreeSet<>(List.of(3L, 10L, 12L)));
        assertThat(FinishedOffsets.decode(10, metadata)).containsExactly(12L);
        assertThat(FinishedOffsets.encode(10, new TreeSet<>(List.of(3L, 10L)))).isEmpty();
    }

    @Test
    void shouldFitTheBrokersDefaultMetadataLimitAtTheWidestSpan() {
        NavigableSet<Long> every = new TreeSet<>();
        LongStream.rangeClosed(1, FinishedOffsets.MAX_SPAN).forEach(every::add);
        String metadata = FinishedOffsets.encode(0, every);
        assertThat(metadata.length()).isLessThanOrEqualTo(FinishedOffsets.MAX_ENCODED_LENGTH).isLessThan(4096);
        assertThat(FinishedOffsets.decode(0, metadata)).hasSize(FinishedOffsets.MAX_SPAN);
    }

    @Test
    void shouldRefuseASpanNoCommitCanCarry() {
        assertThatThrownBy(() -> FinishedOffsets.encode(0, new TreeSet<>(List.of(FinishedOffsets.MAX_SPAN + 1L))))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldReadForeignOrBrokenMetadataAsNothingFinished() {
        assertThat(FinishedOffsets.decode(5, "")).isEmpty();
        assertThat(FinishedOffsets.decode(5, null)).isEmpty();
        assertThat(FinishedOffsets.decode(5, "committed by a script")).isEmpty();
        assertThat(FinishedOffsets.decode(5, "dmap1:***")).isEmpty();
    }
}
