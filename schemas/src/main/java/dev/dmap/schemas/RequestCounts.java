package dev.dmap.schemas;

/**
 * OpenAI's {@code request_counts}.
 *
 * @param total     requests in the batch (or for one model of it)
 * @param completed requests that ended with a result
 * @param failed    requests that ended with a dead letter
 */
public record RequestCounts(long total, long completed, long failed) {
    public static final RequestCounts ZERO = new RequestCounts(0, 0, 0);

    public RequestCounts {
        if (total < 0 || completed < 0 || failed < 0) {
            throw new IllegalArgumentException("counts cannot be negative");
        }
    }

    /** Requests that have their terminal record. */
    public long done() {
        return completed + failed;
    }
}
