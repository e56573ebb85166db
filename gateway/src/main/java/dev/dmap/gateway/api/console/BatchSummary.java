package dev.dmap.gateway.api.console;

import dev.dmap.client.Durations;
import dev.dmap.gateway.batches.GatewayBatch;
import dev.dmap.gateway.batches.OpenAiStatus;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.RequestCounts;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One batch as the console shows it: its status, counts, progress, tokens, times and an ETA from
 * the rate it has ended requests at since it went in progress. No prompt or completion text.
 *
 * @param progress whole per cent of the requests that have ended
 * @param eta      time to go at the rate so far, or "" when unknown or ended
 */
record BatchSummary(String id, String owner, String status, String endpoint, long total, long completed, long failed,
        int progress, long promptTokens, long completionTokens, long cacheHits, String created, String finished,
        String deadline, String eta, boolean ended, boolean cancellable, List<ModelProgress> models) {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final Set<String> ENDED = Set.of("completed", "failed", "expired", "cancelled");

    /** One model's share of a batch. */
    record ModelProgress(String model, long total, long completed, long failed, int progress) {
    }

    static BatchSummary of(GatewayBatch batch, BatchState state, boolean cancelRequested, Instant now) {
        String status = OpenAiStatus.of(batch, state, cancelRequested);
        RequestCounts counts = state == null ? new RequestCounts(batch.total() == null ? 0 : batch.total(), 0, 0) : state.requestCounts();
        long done = counts.completed() + counts.failed();
        boolean ended = ENDED.contains(status);
        Instant finished = state == null ? null : first(state.completedAt(), state.cancelledAt(), state.expiredAt());
        List<ModelProgress> models = new ArrayList<>();
        if (state != null) {
            for (Map.Entry<String, RequestCounts> model : state.models().entrySet()) {
                RequestCounts c = model.getValue();
                models.add(new ModelProgress(model.getKey(), c.total(), c.completed(), c.failed(), percent(c.completed() + c.failed(), c.total())));
            }
        }
        return new BatchSummary(batch.id(), batch.owner(), status, batch.endpoint(), counts.total(), counts.completed(), counts.failed(),
                percent(done, counts.total()), state == null || state.usage() == null ? 0 : state.usage().promptTokens(),
                state == null || state.usage() == null ? 0 : state.usage().completionTokens(), state == null ? 0 : state.cacheHits(),
                TIME.format(Instant.ofEpochSecond(batch.createdAt())),
                finished == null ? (batch.failedAt() == null ? "" : TIME.format(Instant.ofEpochSecond(batch.failedAt()))) : TIME.format(finished),
                TIME.format(Instant.ofEpochSecond(batch.expiresAt())), ended ? "" : eta(state, done, counts.total(), now), ended,
                !ended && batch.phase() != GatewayBatch.Phase.FAILED && !"cancelling".equals(status), List.copyOf(models));
    }

    private static String eta(BatchState state, long done, long total, Instant now) {
        if (state == null || state.inProgressAt() == null || done == 0 || done >= total) {
            return "";
        }
        double perSecond = done / Math.max(1.0, Duration.between(state.inProgressAt(), now).toMillis() / 1000.0);
        return Durations.readable(Duration.ofSeconds((long) Math.ceil((total - done) / perSecond)));
    }

    private static int percent(long part, long whole) {
        return whole == 0 ? 0 : (int) Math.min(100, part * 100 / whole);
    }

    private static Instant first(Instant... times) {
        for (Instant time : times) {
            if (time != null) {
                return time;
            }
        }
        return null;
    }
}
