package dev.dmap.schemas;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A W3C Trace Context {@code traceparent} header, {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}:
 * the one parser and generator that the CLI (a trace per submission), the worker (a span per
 * request) and the tests share.
 */
public record Traceparent(String traceId, String parentId, int flags) {
    /** The header's name, on Kafka records and HTTP calls. */
    public static final String HEADER = "traceparent";
    private static final Pattern FORMAT = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);

    /** The header's value parsed, or empty when it is missing or malformed (version ff, all-zero ids). */
    public static Optional<Traceparent> parse(String value) {
        Matcher match = value == null ? null : FORMAT.matcher(value.trim());
        if (match == null || !match.matches() || match.group(1).equals("ff")
                || match.group(2).equals(ZERO_TRACE) || match.group(3).equals(ZERO_PARENT)) {
            return Optional.empty();
        }
        return Optional.of(new Traceparent(match.group(2), match.group(3), Integer.parseInt(match.group(4), 16)));
    }

    /** A new trace, sampled, with random ids (never all zero). */
    public static Traceparent random() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        String traceId;
        String parentId;
        do {
            traceId = hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong());
            parentId = hex.toHexDigits(random.nextLong());
        } while (traceId.equals(ZERO_TRACE) || parentId.equals(ZERO_PARENT));
        return new Traceparent(traceId, parentId, 1);
    }

    /** W3C: bit 0 of the flags. */
    public boolean sampled() {
        return (flags & 1) == 1;
    }

    /** The header's value, version 00. */
    @Override
    public String toString() {
        return "00-" + traceId + "-" + parentId + "-" + HexFormat.of().toHexDigits((byte) flags);
    }
}
