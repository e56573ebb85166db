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
 * @param requestCounts counts over the whole batch
 * @param models        counts per exact model id, sorted by id
 * @param inputFile     name of the submitted file, or null
 * @param createdAt     when the batch was submitted
 * @param schemaVersion 1
 */
public record BatchState(
        String batchId,
        String status,
        RequestCounts requestCounts,
        Map<String, RequestCounts> models,
        String inputFile,
        Instant createdAt,
        int schemaVersion) {

    public BatchState {
        Objects.requireNonNull(batchId, "batch_id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(requestCounts, "request_counts");
        Objects.requireNonNull(createdAt, "created_at");
        models = models == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(models));
        BatchStatus.fromWire(status);
    }

    public BatchStatus batchStatus() {
        return BatchStatus.fromWire(status);
    }
}
