package dev.dmap.client;

import java.util.Map;

/**
 * What {@code submit} published.
 *
 * @param batchId     the batch id
 * @param total       requests in the batch
 * @param byModel     requests per exact model id
 * @param publication what this submit published
 */
public record SubmittedBatch(String batchId, long total, Map<String, Long> byModel, Publication publication) {

    public enum Publication {
        /** A new batch: everything. */
        ALL,
        /** The same batch was submitted before but stopped midway: its requests again, to finish it. */
        RESUMED,
        /** The same batch was fully submitted before: nothing. */
        NONE
    }

    /** Whether the batch had been submitted before. */
    public boolean again() {
        return publication != Publication.ALL;
    }
}
