package dev.dmap.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void shouldCommitOnlyUpToTheLowestUnfinishedOffset() {
        for (long offset = 10; offset < 15; offset++) {
            tracker.fetched(offset);
        }
        tracker.finished(11);
        tracker.finished(12);
        assertThat(tracker.committable()).isEqualTo(10);
        tracker.finished(10);
        assertThat(tracker.committable()).isEqualTo(13);
        tracker.finished(14);
        tracker.finished(13);
        assertThat(tracker.committable()).isEqualTo(15);
        assertThat(tracker.unfinishedCount()).isZero();
    }

    @Test
    void shouldOnlyReportACommitWhenTheOffsetMoved() {
        assertThat(tracker.hasNewCommit()).isFalse();
        tracker.fetched(0);
        tracker.finished(0);
        assertThat(tracker.hasNewCommit()).isTrue();
        tracker.committedUpTo(tracker.committable());
        assertThat(tracker.hasNewCommit()).isFalse();
    }
}
