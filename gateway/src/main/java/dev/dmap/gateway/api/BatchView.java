package dev.dmap.gateway.api;

import dev.dmap.gateway.batches.GatewayBatch;
import dev.dmap.gateway.batches.OpenAiStatus;

import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.RequestCounts;
import dev.dmap.schemas.Usage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** OpenAI's batch object, from the gateway's record and the batch tracker's state. */
final class BatchView {
    private BatchView() {
    }

    /**
     * An ended batch reads {@code finalizing} until its output and error files are stored, so a client
     * never sees {@code completed} without {@code output_file_id}.
     */
    static Map<String, Object> of(GatewayBatch batch, Optional<BatchState> state) {
        return of(batch, batch.errors(), state, null, false);
    }

    /**
     * As {@link #of(GatewayBatch, Optional)}; while the batch is finalizing, {@code outputProblem} (why its
     * output files could not be written yet, or null) is shown as its one error, so a client waiting on
     * {@code finalizing} learns why; a batch whose cancel was asked reads {@code cancelling} until it ends.
     */
    static Map<String, Object> of(GatewayBatch batch, List<GatewayBatch.LineError> lineErrors, Optional<BatchState> state,
            String outputProblem, boolean cancelRequested) {
        Map<String, Object> view = new LinkedHashMap<>();
        BatchState tracked = state.orElse(null);
        view.put("id", batch.id());
        view.put("object", "batch");
        view.put("endpoint", batch.endpoint());
        List<GatewayBatch.LineError> errors = !lineErrors.isEmpty() ? lineErrors
                : outputProblem != null && tracked != null && tracked.ended() && !batch.outputsWritten()
                        ? List.of(new GatewayBatch.LineError("outputs_incomplete", outputProblem, null, null)) : List.of();
        view.put("errors", errors.isEmpty() ? null : Map.of("object", "list", "data", errors.stream().map(BatchView::lineError).toList()));
        view.put("input_file_id", batch.inputFileId());
        view.put("completion_window", batch.completionWindow());
        view.put("status", OpenAiStatus.of(batch, tracked, cancelRequested));
        boolean stored = batch.outputsWritten();
        view.put("output_file_id", stored ? blankToNull(batch.outputFileId()) : null);
        view.put("error_file_id", stored ? blankToNull(batch.errorFileId()) : null);
        view.put("created_at", batch.createdAt());
        view.put("in_progress_at", tracked == null ? null : seconds(tracked.inProgressAt()));
        view.put("expires_at", batch.expiresAt());
        view.put("finalizing_at", tracked == null ? null : seconds(tracked.finalizingAt()));
        view.put("completed_at", tracked == null || !stored ? null : seconds(tracked.completedAt()));
        view.put("failed_at", batch.failedAt());
        view.put("expired_at", tracked == null || !stored ? null : seconds(tracked.expiredAt()));
        view.put("cancelling_at", tracked == null ? null : seconds(tracked.cancellingAt()));
        view.put("cancelled_at", tracked == null || !stored ? null : seconds(tracked.cancelledAt()));
        RequestCounts counts = tracked == null ? RequestCounts.ZERO : tracked.requestCounts();
        view.put("request_counts", Map.of("total", counts.total(), "completed", counts.completed(), "failed", counts.failed()));
        view.put("usage", tracked == null || tracked.usage() == null ? null : usage(tracked.usage()));
        view.put("metadata", batch.metadata());
        return view;
    }

    private static Map<String, Object> lineError(GatewayBatch.LineError error) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("code", error.code());
        view.put("message", error.message());
        view.put("param", error.param());
        view.put("line", error.line());
        return view;
    }

    private static Map<String, Object> usage(Usage usage) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("input_tokens", usage.promptTokens());
        view.put("input_tokens_details", Map.of("cached_tokens", 0));
        view.put("output_tokens", usage.completionTokens());
        view.put("output_tokens_details", Map.of("reasoning_tokens", 0));
        view.put("total_tokens", usage.totalTokens());
        return view;
    }

    private static Long seconds(Instant at) {
        return at == null ? null : at.getEpochSecond();
    }

    private static String blankToNull(String id) {
        return id == null || id.isEmpty() ? null : id;
    }
}
