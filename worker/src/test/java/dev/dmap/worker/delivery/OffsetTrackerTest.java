package dev.dmap.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void shouldCommitOnlyUpToTheLowestUnfinishedOffset() {
        fetch(tracker, 10, 15);
        tracker.finished(11);
        tracker.finished(12);
        assertThat(tracker.committable().offset()).isEqualTo(10);
        tracker.finished(10);
        assertThat(tracker.committable().offset()).isEqualTo(13);
        tracker.finished(14);
        tracker.finished(13);
        assertThat(tracker.committable()).isEqualTo(new OffsetAndMetadata(15, ""));
        assertThat(tracker.unfinishedCount()).isZero();
    }

    @Test
    void shouldOnlyReportACommitWhenTheOffsetOrTheFinishedSetChanged() {
        assertThat(tracker.hasNewCommit()).isFalse();
        fetch(tracker, 0, 3);
        tracker.finished(0);
        assertThat(tracker.hasNewCommit()).isTrue();
        tracker.committedAt(tracker.committable());
        assertThat(tracker.hasNewCommit()).isFalse();
        tracker.finished(2); // the offset stays at 1, but 2 is now finished above it
        assertThat(tracker.hasNewCommit()).isTrue();
        assertThat(tracker.committable().offset()).isEqualTo(1);
    }

    @Test
    void shouldNotServeAgainWhatAPreviousOwnerFinishedAboveItsCommit() {
        // the previous owner committed at 100 (100 in flight) with 101, 102 and 105 finished
        fetch(tracker, 100, 107);
        for (long offset : List.of(101L, 102L, 105L)) {
            tracker.finished(offset);
        }
        OffsetAndMetadata handedOver = tracker.committable();
        assertThat(handedOver.offset()).isEqualTo(100);

        OffsetTracker next = new OffsetTracker(handedOver);
        assertThat(fetch(next, 100, 107)).containsExactly(100L, 103L, 104L, 106L);
    }

    @Test
    void shouldSkipInheritedFinishedOffsetsOnceTheCommitPassesThem() {
        OffsetTracker inherited = new OffsetTracker(new OffsetAndMetadata(10, FinishedOffsets.encode(10,
                new java.util.TreeSet<>(List.of(11L, 12L)))));
        assertThat(inherited.fetched(10)).isTrue();
        inherited.finished(10);
        // 11 and 12 are not fetched yet but finished: the commit moves past them
        OffsetAndMetadata commit = inherited.committable();
        assertThat(commit).isEqualTo(new OffsetAndMetadata(13, ""));
        inherited.committedAt(commit);
        assertThat(inherited.fetched(11)).as("below the commit, finished").isFalse();
        assertThat(inherited.fetched(12)).isFalse();
        assertThat(inherited.fetched(13)).isTrue();
    }

    @Test
    void shouldKeepInheritedOffsetsInTheMetadataUntilTheyAreFetched() {
        OffsetAndMetadata start = new OffsetAndMetadata(10, FinishedOffsets.encode(10,
                new java.util.TreeSet<>(List.of(12L, 20L))));
        OffsetTracker inherited = new OffsetTracker(start);
        assertThat(inherited.committable()).isEqualTo(start);
        assertThat(inherited.hasNewCommit()).isFalse();
    }

    @Test
    void shouldMeasureTheSpanFromTheCommitToTheHighestFetched() {
        fetch(tracker, 0, 1000);
        for (long offset = 1; offset < 1000; offset++) {
            tracker.finished(offset);
        }
        assertThat(tracker.span()).isEqualTo(1000);
        tracker.finished(0);
        assertThat(tracker.span()).isZero();
    }

    private static List<Long> fetch(OffsetTracker tracker, long from, long to) {
        List<Long> served = new ArrayList<>();
        for (long offset = from; offset < to; offset++) {
            if (tracker.fetched(offset)) {
                served.add(offset);
            }
        }
        return served;
    }
}
