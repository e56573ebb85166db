package dev.dmap.client;

import java.util.Map;

/**
 * What {@code collect} wrote.
 *
 * @param batchId      the batch
 * @param total        requests in the batch
 * @param succeeded    results written
 * @param failedByCode error lines written, per error code
 * @param complete     whether every request had its terminal record
 */
public record CollectSummary(String batchId, long total, long succeeded, Map<String, Long> failedByCode, boolean complete) {
    public long failed() {
        return failedByCode.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether every request has its outcome and none succeeded (a batch of nothing but failures). */
    public boolean allFailed() {
        return complete && succeeded == 0 && total > 0;
    }
}
