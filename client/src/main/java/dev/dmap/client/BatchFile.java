package dev.dmap.client;

import dev.dmap.schemas.DaemonThreads;
import dev.dmap.schemas.Limits;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.RequestDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * @param firstLineByUrl  the first line of each endpoint url the valid requests use, in first-seen order
 * @param firstLineByModel the first line of each model the valid requests name, in first-seen order
 * @param problems        the problems found, the first {@link #MAX_PROBLEMS_KEPT} of them; empty when the file is good
 * @param problemCount    every problem found, kept or not
 */
public record BatchFile(Path path, int maxRequestBytes, int total, Map<String, Long> countsByModel,
        Map<String, Integer> firstLineByUrl, Map<String, Integer> firstLineByModel, List<Problem> problems, int problemCount) {
    /**
     * The most problems kept (the rest are counted): a file of a million bad lines is reported in bounded
     * memory; nobody reads further than this anyway.
     */
    public static final int MAX_PROBLEMS_KEPT = 10_000;
    /** No limit on the lines of a file (the CLI's default: the user's own machine and file). */
    public static final int ANY_NUMBER_OF_LINES = Integer.MAX_VALUE;

    /**
     * One problem.
     *
     * @param line    1-based line number
     * @param field   JSON pointer of the field, or empty for the whole line
     * @param message what is wrong
     * @param kind    what kind of problem: a front end may add its own advice (the option that sets the limit)
     */
    public record Problem(int line, String field, String message, Kind kind) {
        /** A line that breaks the request schema or the file's rules. */
        public Problem(int line, String field, String message) {
            this(line, field, message, Kind.INVALID);
        }

        public String describe(Path file) {
            return file.getFileName() + ":" + line + ": " + (field.isEmpty() ? "" : field + ": ") + message;
        }
    }

    /** The kinds of problem. */
    public enum Kind {
        /** The line is not a valid request, or repeats a custom_id. */
        INVALID,
        /** The line, or the request as published, is larger than the size limit. */
        OVER_SIZE_LIMIT,
        /** The file has more lines than the caller takes in one batch. */
        TOO_MANY_LINES
    }

    /** Lines validated together on one core: this many, or fewer when they hold this many bytes. */
    private static final int CHUNK = 500;
    private static final long CHUNK_BYTES = 4L * 1024 * 1024;

    public boolean isValid() {
        return problemCount == 0;
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
                Request request;
                try {
                    request = decoder.validated(line.text()); // validated as a whole before: parsed, not checked again
                } catch (IllegalArgumentException e) {
                    throw changed("line " + line.number() + " is no longer a request");
                }
                seen++;
                each.accept(request);
            }
        } catch (IOException e) {
            throw new ClientException.InvalidInput("cannot read " + path + ": " + e.getMessage());
        }
        if (seen != total) {
            throw changed("it now has " + seen + " requests, not " + total);
        }
    }

    private ClientException changed(String what) {
        return new ClientException.InvalidInput(path + " changed while it was being submitted: " + what
                + "; nothing of it was committed");
    }

    /** Reads and validates {@code path} with the default size limit, {@link Limits#DEFAULT_MAX_REQUEST_BYTES}. */
    public static BatchFile read(Path path) {
        return read(path, Limits.DEFAULT_MAX_REQUEST_BYTES);
    }

    /** Reads and validates {@code path}, with any number of lines. */
    public static BatchFile read(Path path, int maxRequestBytes) {
        return read(path, maxRequestBytes, ANY_NUMBER_OF_LINES);
    }

    /**
     * Reads and validates {@code path}. A UTF-8 byte order mark at its start is skipped; a line that
     * is not UTF-8 or is longer than {@code maxRequestBytes} (in bytes, without its line end) is a
     * problem of that line. Lines are validated in chunks on every core, and their outcomes taken in
     * file order; a few chunks are in memory at a time. Reading stops at the first line past
     * {@code maxLines}, which is a problem of its own.
     */
    public static BatchFile read(Path path, int maxRequestBytes, int maxLines) {
        RequestDecoder decoder = new RequestDecoder();
        ValidationTally tally = new ValidationTally(MAX_PROBLEMS_KEPT);
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService validators = Executors.newFixedThreadPool(threads, DaemonThreads.named("dmap-validate"));
        Deque<Future<List<LineCheck.Checked>>> pending = new ArrayDeque<>();
        try (JsonlLines lines = new JsonlLines(Files.newInputStream(path), maxRequestBytes)) {
            List<JsonlLines.Line> chunk = new ArrayList<>(CHUNK);
            long chunkBytes = 0;
            for (JsonlLines.Line line = lines.next(); line != null; line = lines.next()) {
                if (lines.startsAsUtf16()) {
                    tally.problem(new Problem(1, "", "the file is UTF-16 text (it starts with a UTF-16 byte order mark); "
                            + "save it as UTF-8"));
                    break;
                }
                if (line.number() > maxLines) {
                    tally.problem(new Problem(line.number(), "", "the file has more than " + maxLines + " lines; at most "
                            + maxLines + " make one batch", Kind.TOO_MANY_LINES));
                    break;
                }
                chunk.add(line);
                chunkBytes += line.length();
                if (chunk.size() == CHUNK || chunkBytes >= CHUNK_BYTES) {
                    pending.add(validators.submit(check(chunk, decoder, maxRequestBytes)));
                    chunk = new ArrayList<>(CHUNK);
                    chunkBytes = 0;
                    while (pending.size() > 2 * threads) {
                        tally.add(await(pending.poll()));
                    }
                }
            }
            pending.add(validators.submit(check(chunk, decoder, maxRequestBytes)));
            while (!pending.isEmpty()) {
                tally.add(await(pending.poll()));
            }
        } catch (NoSuchFileException e) {
            throw new ClientException.InvalidInput("no such file: " + path);
        } catch (IOException e) {
            throw new ClientException.InvalidInput("cannot read " + path + ": " + e.getMessage());
        } finally {
            validators.shutdownNow();
        }
        int total = tally.total();
        if (total == 0 && tally.problemCount() == 0) {
            tally.problem(new Problem(1, "", "the file has no requests"));
        }
        return new BatchFile(path, maxRequestBytes, total, Collections.unmodifiableMap(tally.counts()),
                Collections.unmodifiableMap(tally.firstLineByUrl()), Collections.unmodifiableMap(tally.firstLineByModel()),
                List.copyOf(tally.problems()), tally.problemCount());
    }

    private static Callable<List<LineCheck.Checked>> check(List<JsonlLines.Line> chunk, RequestDecoder decoder, int maxRequestBytes) {
        return () -> {
            List<LineCheck.Checked> checked = new ArrayList<>(chunk.size());
            for (JsonlLines.Line line : chunk) {
                checked.add(LineCheck.of(line, decoder, maxRequestBytes));
            }
            return checked;
        };
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException.Interrupted();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }
}
