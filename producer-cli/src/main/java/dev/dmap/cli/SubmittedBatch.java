package dev.dmap.cli;

import java.util.Map;

/**
 * What {@code submit} published.
 *
 * @param batchId the batch id
 * @param total   requests published
 * @param byModel requests per exact model id
 * @param again   whether it had been submitted before, so nothing was published this time
 */
public record SubmittedBatch(String batchId, long total, Map<String, Long> byModel, boolean again) {
}
