package dev.dmap.cli;

import dev.dmap.schemas.Decoded;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.Limits;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.RequestDecoder;
import dev.dmap.schemas.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A JSONL file of OpenAI Batch input lines, validated as a whole before anything is published:
 * every problem of every line is reported with its line number and field, and duplicate
 * {@code custom_id}s are refused (results are joined on them). The file is streamed twice, to
 * validate and to publish ({@link #forEachRequest}); only the custom ids are held meanwhile, so
 * memory does not grow with the size of the requests.
 *
 * @param path            the file
 * @param maxRequestBytes the size limit it was validated with
 * @param total           the valid requests
 * @param countsByModel   requests per exact model id, in first-seen order
 * @param problems        every problem found; empty when the file is good
 */
public record BatchFile(Path path, int maxRequestBytes, int total, Map<String, Long> countsByModel,
        List<Problem> problems) {

    /**
     * One problem.
     *
     * @param line    1-based line number
     * @param field   JSON pointer of the field, or empty for the whole line
     * @param message what is wrong
     */
    public record Problem(int line, String field, String message) {
        public String describe(Path file) {
            return file.getFileName() + ":" + line + ": " + (field.isEmpty() ? "" : field + ": ") + message;
        }
    }

    private static final String LONGEST_BATCH_ID = "b".repeat(BatchIds.MAX_LENGTH);
    private static final java.time.Instant WIDEST_INSTANT = java.time.Instant.parse("2999-12-31T23:59:59.999999999Z");

    public boolean isValid() {
        return problems.isEmpty();
    }

    /** Lists every problem, one per line, then a count saying that nothing happened. */
    public void report(java.io.PrintWriter err) {
        problems.forEach(problem -> err.println(problem.describe(path)));
        err.printf("%s: %d problem(s) on %d line(s); nothing was published.%n", path.getFileName(), problems.size(),
                problems.stream().mapToInt(Problem::line).distinct().count());
    }

    /**
     * Reads the file again and hands over each request in file order: what was validated. A file
     * that changed since (a line no longer valid, or another count) stops the publication with an
     * error, before its transaction commits.
     */
    public void forEachRequest(Consumer<Request> each) {
        RequestDecoder decoder = new RequestDecoder();
        int seen = 0;
        try (JsonlLines lines = new JsonlLines(Files.newInputStream(path), maxRequestBytes)) {
            for (JsonlLines.Line line = lines.next(); line != null; line = lines.next()) {
                if (line.text() == null || line.text().isBlank()) {
                    continue;
                }
                if (!(decoder.decode(line.text()) instanceof Decoded.Valid valid)) {
                    throw changed("line " + line.number() + " is no longer a valid request");
                }
                seen++;
                each.accept(valid.request());
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.INVALID_INPUT, "cannot read " + path + ": " + e.getMessage());
        }
        if (seen != total) {
            throw changed("it now has " + seen + " requests, not " + total);
        }
    }

    private CliException changed(String what) {
        return new CliException(ExitCodes.INVALID_INPUT, path + " changed while it was being submitted: " + what
                + "; nothing of it was committed");
    }

    /** Reads and validates {@code path} with the default size limit, {@link Limits#DEFAULT_MAX_REQUEST_BYTES}. */
    public static BatchFile read(Path path) {
        return read(path, Limits.DEFAULT_MAX_REQUEST_BYTES);
    }

    /**
     * Reads and validates {@code path}. A UTF-8 byte order mark at its start is skipped; a line that
     * is not UTF-8 or is longer than {@code maxRequestBytes} (in bytes, without its line end) is a
     * problem of that line.
     */
    public static BatchFile read(Path path, int maxRequestBytes) {
        RequestDecoder decoder = new RequestDecoder();
        Map<String, Long> counts = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, Integer> lineOfCustomId = new HashMap<>();
        try (JsonlLines lines = new JsonlLines(Files.newInputStream(path), maxRequestBytes)) {
            for (JsonlLines.Line line = lines.next(); line != null; line = lines.next()) {
                if (lines.startsAsUtf16()) {
                    problems.add(new Problem(1, "", "the file is UTF-16 text (it starts with a UTF-16 byte order mark); "
                            + "save it as UTF-8"));
                    break;
                }
                Problem unreadable = unreadable(line, maxRequestBytes);
                if (unreadable != null) {
                    problems.add(unreadable);
                    continue;
                }
                if (line.text().isBlank()) {
                    continue;
                }
                Decoded decoded = decoder.decode(line.text());
                if (decoded instanceof Decoded.Invalid invalid) {
                    for (Violation violation : invalid.violations()) {
                        problems.add(new Problem(line.number(), violation.path(), violation.message()));
                    }
                    continue;
                }
                Request request = ((Decoded.Valid) decoded).request();
                Problem tooLarge = tooLargeAsPublished(line.number(), request, maxRequestBytes);
                if (tooLarge != null) {
                    problems.add(tooLarge);
                    continue;
                }
                Integer first = lineOfCustomId.putIfAbsent(request.customId(), line.number());
                if (first != null) {
                    problems.add(new Problem(line.number(), "/custom_id",
                            "duplicate custom_id \"" + request.customId() + "\" (first on line " + first + ")"));
                    continue;
                }
                counts.merge(request.model(), 1L, Long::sum);
            }
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.INVALID_INPUT, "no such file: " + path);
        } catch (IOException e) {
            throw new CliException(ExitCodes.INVALID_INPUT, "cannot read " + path + ": " + e.getMessage());
        }
        int total = counts.values().stream().mapToInt(Long::intValue).sum();
        if (total == 0 && problems.isEmpty()) {
            problems.add(new Problem(1, "", "the file has no requests"));
        }
        return new BatchFile(path, maxRequestBytes, total, java.util.Collections.unmodifiableMap(counts), List.copyOf(problems));
    }

    /**
     * The problem of a request that fits the limit as a line but not as {@code submit} publishes it,
     * with its id, batch id and times added (measured with the longest batch id and widest times,
     * so whatever batch it goes into, the worker never finds it too large).
     */
    private static Problem tooLargeAsPublished(int line, Request request, int maxRequestBytes) {
        int published = MessageCodec.encode(request.withBatch(LONGEST_BATCH_ID, WIDEST_INSTANT, WIDEST_INSTANT)).length;
        if (published <= maxRequestBytes) {
            return null;
        }
        return new Problem(line, "", "the request is " + published + " bytes as published (with the fields submit adds); "
                + "the limit is " + maxRequestBytes + " bytes (--max-request-bytes)");
    }

    /** The problem of a line that is over the size limit or not UTF-8; null when it is text within the limit. */
    private static Problem unreadable(JsonlLines.Line line, int maxRequestBytes) {
        if (line.length() > maxRequestBytes) {
            return new Problem(line.number(), "", "the line is " + line.length() + " bytes; the limit is " + maxRequestBytes
                    + " bytes (--max-request-bytes)");
        }
        if (line.text() == null) {
            return new Problem(line.number(), "", "not valid UTF-8 (byte " + line.badByte() + " of the line); "
                    + "save the file as UTF-8");
        }
        return null;
    }
}
