package dev.dmap.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.gateway.batches.GatewayBatch;
import dev.dmap.gateway.batches.GatewayBatch.Phase;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.RequestCounts;
import dev.dmap.schemas.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** OpenAI's batch object from the gateway's record and the tracker's state. */
class BatchViewTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final GatewayBatch submitted = new GatewayBatch("batch_1", "alice", "/v1/chat/completions", "file-1", "24h", null,
            T0.getEpochSecond(), T0.plusSeconds(86_400).getEpochSecond(), null, Phase.SUBMITTED, List.of(), null, null, null, 2L, 0);
    private final BatchState completed = new BatchState("batch_1", "completed", "succeeded", new RequestCounts(2, 2, 0), Map.of(),
            Map.of(), Usage.ZERO, "in.jsonl", T0, T0, T0.plusSeconds(60), T0.plusSeconds(60), null, null, null, null, 1);

    @Test
    void shouldReadFinalizingUntilTheOutputFilesAreStoredThenCompleted() {
        Map<String, Object> ended = BatchView.of(submitted, Optional.of(completed));
        assertThat(ended).containsEntry("status", "finalizing").containsEntry("output_file_id", null).containsEntry("completed_at", null);

        Map<String, Object> stored = BatchView.of(withOutputs(submitted, "file-batch_1-output", ""), Optional.of(completed));
        assertThat(stored).containsEntry("status", "completed").containsEntry("output_file_id", "file-batch_1-output")
                .containsEntry("error_file_id", null).containsEntry("completed_at", T0.plusSeconds(60).getEpochSecond());
    }

    @Test
    void shouldTellAClientWaitingOnFinalizingWhyTheOutputsAreNotWritten() {
        Map<String, Object> view = BatchView.of(submitted, List.of(), Optional.of(completed), "only 1 of 2 outcomes could be read", false);

        assertThat(view).containsEntry("status", "finalizing");
        assertThat(view.get("errors")).asString().contains("outputs_incomplete", "only 1 of 2 outcomes could be read");
        assertThat(BatchView.of(withOutputs(submitted, "file-batch_1-output", ""), List.of(), Optional.of(completed), "stale problem", false))
                .containsEntry("errors", null);
    }

    @Test
    void shouldReadValidatingBeforeTheTrackerKnowsTheBatchAndInProgressAfterItIsPublished() {
        GatewayBatch validating = new GatewayBatch("batch_2", "alice", "/v1/chat/completions", "file-2", "24h", null,
                T0.getEpochSecond(), T0.plusSeconds(86_400).getEpochSecond(), null, Phase.VALIDATING, List.of(), null, null, null, null, 0);

        assertThat(BatchView.of(validating, Optional.empty())).containsEntry("status", "validating");
        assertThat(BatchView.of(published(validating), Optional.empty())).containsEntry("status", "in_progress");
    }

    @Test
    void shouldReadCancellingWhenACancelWasAskedWhileTheBatchWasValidating() {
        GatewayBatch validating = new GatewayBatch("batch_3", "alice", "/v1/chat/completions", "file-3", "24h", null,
                T0.getEpochSecond(), T0.plusSeconds(86_400).getEpochSecond(), null, Phase.VALIDATING, List.of(), null, null, null, null, 0);

        assertThat(BatchView.of(validating, List.of(), Optional.empty(), null, true)).containsEntry("status", "cancelling");
    }

    private static GatewayBatch withOutputs(GatewayBatch batch, String output, String errors) {
        return new GatewayBatch(batch.id(), batch.owner(), batch.endpoint(), batch.inputFileId(), batch.completionWindow(),
                batch.metadata(), batch.createdAt(), batch.expiresAt(), batch.outputExpiresAfter(), batch.phase(), batch.errors(),
                batch.failedAt(), output, errors, batch.total(), batch.maxPriority());
    }

    private static GatewayBatch published(GatewayBatch batch) {
        return new GatewayBatch(batch.id(), batch.owner(), batch.endpoint(), batch.inputFileId(), batch.completionWindow(),
                batch.metadata(), batch.createdAt(), batch.expiresAt(), batch.outputExpiresAfter(), Phase.SUBMITTED, batch.errors(),
                batch.failedAt(), batch.outputFileId(), batch.errorFileId(), 2L, batch.maxPriority());
    }
}
