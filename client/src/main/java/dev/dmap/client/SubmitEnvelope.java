package dev.dmap.client;

import dev.dmap.schemas.Request;
import java.time.Instant;

/**
 * What submit adds to each line: the batch, its times, and a priority.
 *
 * @param options the batch's priority for lines without their own, the highest priority allowed, its cache control
 */
record SubmitEnvelope(String batchId, Instant submittedAt, Instant deadline, Submitter.Options options) {
    Request of(Request line) {
        Request published = line.withBatch(batchId, submittedAt, deadline);
        Integer priority = options.priority();
        published = priority != null && line.priority() == 0 ? published.withPriority(priority) : published;
        Integer max = options.maxPriority();
        published = max != null && published.priority() > max ? published.withPriority(max) : published;
        return options.cache() != null && line.cache() == null ? published.withCache(options.cache()) : published;
    }
}
