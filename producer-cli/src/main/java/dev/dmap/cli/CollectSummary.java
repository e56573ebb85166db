package dev.dmap.cli;

import dev.dmap.schemas.ExitCodes;
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

    /** The exit code this outcome deserves. */
    public int exitCode() {
        if (!complete) {
            return ExitCodes.TIMED_OUT;
        }
        return succeeded == 0 && total > 0 ? ExitCodes.ALL_FAILED : ExitCodes.OK;
    }
}
