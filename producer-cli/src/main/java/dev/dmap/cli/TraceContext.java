package dev.dmap.cli;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The W3C trace context {@code submit} starts for each request: a new trace whose root is the
 * submission, carried in the record's {@code traceparent} header. Workers continue it into the
 * call to the backend and onto the result, so one request can be followed end to end.
 */
final class TraceContext {
    static final String HEADER = "traceparent";

    private TraceContext() {
    }

    /** {@code 00-<32 hex trace id>-<16 hex parent id>-01} (version 00, sampled). */
    static String newTraceparent() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] traceId = new byte[16];
        byte[] spanId = new byte[8];
        do {
            random.nextBytes(traceId);
            random.nextBytes(spanId);
        } while (allZero(traceId) || allZero(spanId)); // all-zero ids are invalid
        HexFormat hex = HexFormat.of();
        return "00-" + hex.formatHex(traceId) + "-" + hex.formatHex(spanId) + "-01";
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
