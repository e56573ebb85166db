package dev.dmap.schemas;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Batch command v1 (batch-command-v1.schema.json), on the batch-commands topic keyed by batch id.
 *
 * @param type          {@code created}, {@code published} or {@code cancel}
 * @param batchId       the batch
 * @param total         created: requests in the batch; else null
 * @param models        created: requests per exact model id; else null
 * @param inputFile     created: the submitted file's name, or null
 * @param expiresAt     created: the batch's deadline, or null
 * @param at            when the command was issued
 * @param schemaVersion 1
 */
public record BatchCommand(String type, String batchId, Long total, Map<String, Long> models, String inputFile,
        Instant expiresAt, Instant at, int schemaVersion) {

    public static final String CREATED = "created";
    public static final String PUBLISHED = "published";
    public static final String CANCEL = "cancel";

    public BatchCommand {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(batchId, "batch_id");
        Objects.requireNonNull(at, "at");
        models = models == null ? null : Collections.unmodifiableMap(new TreeMap<>(models));
        if (!type.equals(CREATED) && !type.equals(PUBLISHED) && !type.equals(CANCEL)) {
            throw new IllegalArgumentException("unknown batch command type: " + type);
        }
    }

    public static BatchCommand created(String batchId, long total, Map<String, Long> models, String inputFile,
            Instant expiresAt, Instant at) {
        return new BatchCommand(CREATED, batchId, total, models, inputFile, expiresAt, at, 1);
    }

    public static BatchCommand published(String batchId, Instant at) {
        return new BatchCommand(PUBLISHED, batchId, null, null, null, null, at, 1);
    }

    public static BatchCommand cancel(String batchId, Instant at) {
        return new BatchCommand(CANCEL, batchId, null, null, null, null, at, 1);
    }
}
