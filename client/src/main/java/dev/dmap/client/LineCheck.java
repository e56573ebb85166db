package dev.dmap.client;

import dev.dmap.schemas.Decoded;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.RequestDecoder;
import java.util.List;
import dev.dmap.client.BatchFile.Kind;
import dev.dmap.client.BatchFile.Problem;

/** The check of one line of a batch file: its size, its UTF-8, the request schema, and its size as published. */
final class LineCheck {
    private static final String LONGEST_BATCH_ID = "b".repeat(BatchIds.MAX_LENGTH);
    private static final java.time.Instant WIDEST_INSTANT = java.time.Instant.parse("2999-12-31T23:59:59.999999999Z");
    /** The bytes submit adds to a request at most: its id, batch id, times, schema version, field names. */
    private static final int ENVELOPE_BYTES = 2 * BatchIds.MAX_LENGTH + 512;

    private LineCheck() {
    }

    /** What checking one line gave: its request, or its problems (a blank line gives neither). */
    record Checked(int line, Request request, List<Problem> problems) {
    }

    static Checked of(JsonlLines.Line line, RequestDecoder decoder, int maxRequestBytes) {
        Problem unreadable = unreadable(line, maxRequestBytes);
        if (unreadable != null) {
            return new Checked(line.number(), null, List.of(unreadable));
        }
        if (line.text().isBlank()) {
            return new Checked(line.number(), null, List.of());
        }
        Decoded decoded = decoder.decode(line.text());
        if (decoded instanceof Decoded.Invalid invalid) {
            return new Checked(line.number(), null, invalid.violations().stream()
                    .map(violation -> new Problem(line.number(), violation.path(), violation.message())).toList());
        }
        Request request = ((Decoded.Valid) decoded).request();
        if (request.body().path("stream").asBoolean(false)) {
            return new Checked(line.number(), null, List.of(new Problem(line.number(), "/body/stream",
                    "a batch line cannot stream (its answer goes to the output file); remove \"stream\" or set it to false")));
        }
        Problem tooLarge = tooLargeAsPublished(line, request, maxRequestBytes);
        return tooLarge != null ? new Checked(line.number(), null, List.of(tooLarge))
                : new Checked(line.number(), request, List.of());
    }

    /**
     * The problem of a request that fits the limit as a line but not as {@code submit} publishes it,
     * with its id, batch id and times added (measured with the longest batch id and widest times,
     * so whatever batch it goes into, the worker never finds it too large).
     */
    private static Problem tooLargeAsPublished(JsonlLines.Line line, Request request, int maxRequestBytes) {
        // re-encoding a request at most triples it (numbers written out, escapes kept), plus what submit adds
        if (3 * line.length() + 2L * request.customId().length() + ENVELOPE_BYTES <= maxRequestBytes) {
            return null;
        }
        int published = MessageCodec.encode(request.withBatch(LONGEST_BATCH_ID, WIDEST_INSTANT, WIDEST_INSTANT)).length;
        if (published <= maxRequestBytes) {
            return null;
        }
        return new Problem(line.number(), "", "the request is " + published + " bytes as published (with the fields submit adds); "
                + "the limit is " + maxRequestBytes + " bytes", Kind.OVER_SIZE_LIMIT);
    }

    /** The problem of a line that is over the size limit or not UTF-8; null when it is text within the limit. */
    private static Problem unreadable(JsonlLines.Line line, int maxRequestBytes) {
        if (line.length() > maxRequestBytes) {
            return new Problem(line.number(), "", "the line is " + line.length() + " bytes; the limit is " + maxRequestBytes
                    + " bytes", Kind.OVER_SIZE_LIMIT);
        }
        if (line.text() == null) {
            return new Problem(line.number(), "", "not valid UTF-8 (byte " + line.badByte() + " of the line); "
                    + "save the file as UTF-8");
        }
        return null;
    }
}
