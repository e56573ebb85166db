package dev.dmap.schemas;

/**
 * The one size limit of a request, end to end: {@code submit} refuses a line over it at validation,
 * the worker ends a larger record as {@code payload_too_large}, and the transport (the CLI
 * producer's {@code max.request.size}, the request topics' {@code max.message.bytes}) is sized from
 * it with {@link #ENVELOPE_HEADROOM_BYTES} on top, so that a request under the limit always travels.
 */
public final class Limits {
    /** Largest request, in bytes of its JSON (a line of the input file, or a record value): 4 MiB. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

    /**
     * Room above the request limit for what travels with a request in the same Kafka record batch:
     * the fields {@code submit} adds (id, batch id, times), the key, the headers ({@code traceparent})
     * and the record batch's own framing; 64 KiB, far more than they take.
     */
    public static final int ENVELOPE_HEADROOM_BYTES = 64 * 1024;

    private Limits() {
    }

    /**
     * The Kafka record size (producer {@code max.request.size}, topic {@code max.message.bytes}) that
     * carries a request of up to {@code maxRequestBytes}.
     */
    public static int recordBytes(int maxRequestBytes) {
        requirePositive(maxRequestBytes);
        return Math.addExact(maxRequestBytes, ENVELOPE_HEADROOM_BYTES);
    }

    /**
     * The topic record size ({@code max.message.bytes}) of dmap's request, result and dead-letter
     * topics, and the worker producer's {@code max.request.size}, for a limit of
     * {@code maxRequestBytes}: half as large again as {@link #recordBytes(int)}. A dead letter holds
     * its original (as JSON, or base64 at 4/3 of its size when it is not a JSON object) besides the
     * error; and a foreign producer's record somewhat over the limit still lands on its request
     * topic, where the worker ends it as {@code payload_too_large} (said, not silently refused).
     */
    public static int outputRecordBytes(int maxRequestBytes) {
        return Math.addExact(Math.multiplyExact(recordBytes(maxRequestBytes) / 2, 3), ENVELOPE_HEADROOM_BYTES);
    }

    /** Checks a configured limit: positive, and room left for the envelope within an int. */
    public static int requirePositive(int maxRequestBytes) {
        if (maxRequestBytes <= 0 || maxRequestBytes > Integer.MAX_VALUE - ENVELOPE_HEADROOM_BYTES) {
            throw new IllegalArgumentException("the request size limit must be between 1 and "
                    + (Integer.MAX_VALUE - ENVELOPE_HEADROOM_BYTES) + " bytes: " + maxRequestBytes);
        }
        return maxRequestBytes;
    }
}
