package dev.dmap.schemas;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Batch state v1 (batch-state-v1.schema.json), the value on the compacted batches topic.
 *
 * @param batchId       batch id, also the record key
 * @param status        OpenAI batch status, wire form (see {@link BatchStatus})
 * @param outcome       once ended: {@code succeeded}, {@code partially_failed} or {@code all_failed}; else null
 * @param requestCounts counts over the whole batch
 * @param models        counts per exact model id, sorted by id
 * @param errors        failed requests per error code, sorted by code
 * @param usage         token usage over the results, or null
 * @param inputFile     name of the submitted file, or null
 * @param createdAt     when the batch was submitted
 * @param inProgressAt  when all its requests were published, or null
 * @param finalizingAt  when its last request ended, or null
 * @param completedAt   when it completed, or null
 * @param expiresAt     its deadline, or null
 * @param expiredAt     when it ended as expired, or null
 * @param cancellingAt  when cancel was asked, or null
 * @param cancelledAt   when it ended as cancelled, or null
 * @param schemaVersion 1
 * @param cacheHits     results served from the response cache
 * @param tokensSaved   the usage those hits did not spend again (not part of {@code usage}), or null
 */
public record BatchState(
        String batchId,
        String status,
        String outcome,
        RequestCounts requestCounts,
        Map<String, RequestCounts> models,
        Map<String, Long> errors,
        Usage usage,
        String inputFile,
        Instant createdAt,
        Instant inProgressAt,
        Instant finalizingAt,
        Instant completedAt,
        Instant expiresAt,
        Instant expiredAt,
        Instant cancellingAt,
        Instant cancelledAt,
        int schemaVersion,
        Long cacheHits,
        Usage tokensSaved) {

    public BatchState {
        Objects.requireNonNull(batchId, "batch_id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(requestCounts, "request_counts");
        Objects.requireNonNull(createdAt, "created_at");
        models = models == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(models));
        errors = errors == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(errors));
        BatchStatus.fromWire(status);
        cacheHits = cacheHits == null ? 0L : cacheHits;
        tokensSaved = tokensSaved == null ? Usage.ZERO : tokensSaved;
    }

    /** A state without cache figures (before the response cache, or a batch that had no hit). */
    public BatchState(String batchId, String status, String outcome, RequestCounts requestCounts,
            Map<String, RequestCounts> models, Map<String, Long> errors, Usage usage, String inputFile, Instant createdAt,
            Instant inProgressAt, Instant finalizingAt, Instant completedAt, Instant expiresAt, Instant expiredAt,
            Instant cancellingAt, Instant cancelledAt, int schemaVersion) {
        this(batchId, status, outcome, requestCounts, models, errors, usage, inputFile, createdAt, inProgressAt,
                finalizingAt, completedAt, expiresAt, expiredAt, cancellingAt, cancelledAt, schemaVersion, 0L, Usage.ZERO);
    }

    public BatchStatus batchStatus() {
        return BatchStatus.fromWire(status);
    }

    /** Whether the batch has ended: completed, expired, cancelled or failed. */
    public boolean ended() {
        return batchStatus().isTerminal();
    }
}
