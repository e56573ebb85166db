package dev.dmap.worker.batches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchState;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchStateMachineTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final String BATCH = "b1";

    @Test
    void shouldMoveFromValidatingToInProgressToCompletedWithOneEvent() {
        BatchStateMachine.Step created = BatchStateMachine.apply(null, created(2, null));
        assertThat(created.state().status()).isEqualTo("validating");

        BatchStateMachine.Step published = BatchStateMachine.apply(created.state(), BatchCommand.published(BATCH, at(1)));
        assertThat(published.state().status()).isEqualTo("in_progress");
        assertThat(published.state().inProgressAt()).isEqualTo(at(1));

        BatchStateMachine.Step first = BatchStateMachine.apply(published.state(), success("m1", 2));
        assertThat(first.state().status()).isEqualTo("in_progress");
        assertThat(first.event()).isEmpty();

        BatchStateMachine.Step last = BatchStateMachine.apply(first.state(), success("m2", 3));
        assertThat(last.state().status()).isEqualTo("completed");
        assertThat(last.state().outcome()).isEqualTo("succeeded");
        assertThat(last.state().requestCounts().completed()).isEqualTo(2);
        assertThat(last.state().models().get("m2").completed()).isEqualTo(1);
        assertThat(last.state().usage().totalTokens()).isEqualTo(2 * 10 + 2 * 5);
        assertThat(last.state().completedAt()).isEqualTo(at(3));
        assertThat(last.event()).hasValueSatisfying(event -> assertThat(event.type()).isEqualTo("batch.completed"));
    }

    @Test
    void shouldNotCompleteBeforeTheClientHasPublishedEverything() {
        BatchState state = BatchStateMachine.apply(null, created(1, null)).state();

        BatchStateMachine.Step outcome = BatchStateMachine.apply(state, success("m1", 1));

        assertThat(outcome.state().status()).isEqualTo("validating");
        assertThat(outcome.event()).isEmpty();
        assertThat(BatchStateMachine.apply(outcome.state(), BatchCommand.published(BATCH, at(2))).state().status())
                .isEqualTo("completed");
    }

    @Test
    void shouldCountAnOutcomeThatOvertakesTheCreationCommand() {
        BatchState early = BatchStateMachine.apply(null, success("m1", 1)).state();

        BatchState created = BatchStateMachine.apply(early, created(2, null)).state();

        assertThat(created.requestCounts().total()).isEqualTo(2);
        assertThat(created.requestCounts().completed()).isEqualTo(1);
        assertThat(created.models().get("m1")).satisfies(counts -> {
            assertThat(counts.total()).isEqualTo(1);
            assertThat(counts.completed()).isEqualTo(1);
        });
    }

    @Test
    void shouldMarkABatchWhereEveryRequestFailedAsAllFailed() {
        BatchState state = inProgress(2, null);
        state = BatchStateMachine.apply(state, failure("m1", "upstream_rejected", 2)).state();

        BatchStateMachine.Step last = BatchStateMachine.apply(state, failure("m2", "model_not_found", 3));

        assertThat(last.state().status()).isEqualTo("completed");
        assertThat(last.state().outcome()).isEqualTo("all_failed");
        assertThat(last.state().errors()).containsEntry("upstream_rejected", 1L).containsEntry("model_not_found", 1L);
        assertThat(last.event().orElseThrow().outcome()).isEqualTo("all_failed");
    }

    @Test
    void shouldPassThroughCancellingToCancelled() {
        BatchState state = BatchStateMachine.apply(inProgress(2, null), BatchCommand.cancel(BATCH, at(2))).state();
        assertThat(state.status()).isEqualTo("cancelling");
        assertThat(state.cancellingAt()).isEqualTo(at(2));
        state = BatchStateMachine.apply(state, success("m1", 3)).state();

        BatchStateMachine.Step last = BatchStateMachine.apply(state, failure("m1", "batch_cancelled", 4));

        assertThat(last.state().status()).isEqualTo("cancelled");
        assertThat(last.state().outcome()).isEqualTo("partially_failed");
        assertThat(last.state().cancelledAt()).isEqualTo(at(4));
        assertThat(last.event()).isPresent();
    }

    @Test
    void shouldIgnoreACancelAfterTheBatchEnded() {
        BatchState ended = BatchStateMachine.apply(inProgress(1, null), success("m1", 2)).state();

        BatchStateMachine.Step cancel = BatchStateMachine.apply(ended, BatchCommand.cancel(BATCH, at(3)));

        assertThat(cancel.state().status()).isEqualTo("completed");
        assertThat(cancel.event()).isEmpty();
    }

    @Test
    void shouldExpireABatchWhoseRequestsMissedTheirDeadline() {
        BatchState state = inProgress(1, at(1));

        BatchStateMachine.Step last = BatchStateMachine.apply(state, failure("m1", "deadline_exceeded", 5));

        assertThat(last.state().status()).isEqualTo("expired");
        assertThat(last.state().expiredAt()).isEqualTo(at(5));
        assertThat(last.state().requestCounts().failed()).isEqualTo(1);
    }

    @Test
    void shouldMoveAReplayedRequestFromFailedToCompletedAndEmitAnEventWithTheNewOutcome() {
        BatchState ended = BatchStateMachine.apply(inProgress(1, null), failure("m1", "upstream_rejected", 2)).state();
        assertThat(ended.outcome()).isEqualTo("all_failed");

        BatchStateMachine.Step replayed = BatchStateMachine.apply(ended, replaySucceeded("m1", 9));

        assertThat(replayed.state().outcome()).isEqualTo("succeeded");
        assertThat(replayed.state().requestCounts().failed()).isZero();
        assertThat(replayed.state().requestCounts().completed()).isEqualTo(1);
        assertThat(replayed.state().errors()).doesNotContainKey("upstream_rejected");
        assertThat(replayed.event()).hasValueSatisfying(event -> {
            assertThat(event.type()).isEqualTo("batch.completed");
            assertThat(event.outcome()).isEqualTo("succeeded");
            assertThat(event.requestCounts().completed()).isEqualTo(1);
            assertThat(event.at()).isEqualTo(at(9));
        });
    }

    @Test
    void shouldEmitNoEventWhenAReplayChangesTheCountsButNotTheOutcome() {
        BatchState state = inProgress(3, null);
        state = BatchStateMachine.apply(state, success("m1", 2)).state();
        state = BatchStateMachine.apply(state, failure("m2", "upstream_rejected", 3)).state();
        BatchState ended = BatchStateMachine.apply(state, failure("m2", "upstream_rejected", 4)).state();
        assertThat(ended.outcome()).isEqualTo("partially_failed");

        BatchStateMachine.Step oneReplayed = BatchStateMachine.apply(ended, replaySucceeded("m2", 9));
        assertThat(oneReplayed.state().outcome()).isEqualTo("partially_failed");
        assertThat(oneReplayed.event()).isEmpty();

        BatchStateMachine.Step bothReplayed = BatchStateMachine.apply(oneReplayed.state(), replaySucceeded("m2", 10));
        assertThat(bothReplayed.event()).hasValueSatisfying(event -> assertThat(event.outcome()).isEqualTo("succeeded"));
    }

    @Test
    void shouldEmitNoEventForADuplicateOutcomeOfAnEndedBatch() {
        BatchState ended = BatchStateMachine.apply(inProgress(1, null), success("m1", 2)).state();

        BatchStateMachine.Step again = BatchStateMachine.apply(ended,
                new OutcomeDelta(BATCH, "m1", OutcomeDelta.COMPLETED, null, OutcomeDelta.COMPLETED, null, 0, 0, at(3), false));

        assertThat(again.state().outcome()).isEqualTo("succeeded");
        assertThat(again.event()).isEmpty();
    }

    private static OutcomeDelta replaySucceeded(String model, int second) {
        return new OutcomeDelta(BATCH, model, OutcomeDelta.FAILED, "upstream_rejected", OutcomeDelta.COMPLETED, null, 10, 5, at(second), false);
    }

    private static BatchState inProgress(long total, Instant deadline) {
        BatchState state = BatchStateMachine.apply(null, created(total, deadline)).state();
        return BatchStateMachine.apply(state, BatchCommand.published(BATCH, at(1))).state();
    }

    private static BatchCommand created(long total, Instant deadline) {
        return BatchCommand.created(BATCH, total, Map.of("m1", 1L, "m2", total - 1), "in.jsonl", deadline, T0);
    }

    @Test
    void shouldCountACacheHitsTokensAsSavedNotComputed() {
        BatchState state = BatchStateMachine.apply(inProgress(2, null), success("m1", 2)).state();

        BatchStateMachine.Step last = BatchStateMachine.apply(state,
                new OutcomeDelta(BATCH, "m1", null, null, OutcomeDelta.COMPLETED, null, 10, 5, at(3), true));

        assertThat(last.state().status()).isEqualTo("completed");
        assertThat(last.state().requestCounts().completed()).isEqualTo(2);
        assertThat(last.state().usage().totalTokens()).as("computed tokens only").isEqualTo(15);
        assertThat(last.state().cacheHits()).isEqualTo(1);
        assertThat(last.state().tokensSaved().totalTokens()).isEqualTo(15);
    }

    private static OutcomeDelta success(String model, int second) {
        return new OutcomeDelta(BATCH, model, null, null, OutcomeDelta.COMPLETED, null, 10, 5, at(second), false);
    }

    private static OutcomeDelta failure(String model, String code, int second) {
        return new OutcomeDelta(BATCH, model, null, null, OutcomeDelta.FAILED, code, 0, 0, at(second), false);
    }

    private static Instant at(int second) {
        return T0.plusSeconds(second);
    }
}
