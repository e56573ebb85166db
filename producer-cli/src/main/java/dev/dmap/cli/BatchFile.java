package dev.dmap.cli;

import dev.dmap.schemas.Decoded;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.RequestDecoder;
import dev.dmap.schemas.Violation;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSONL file of OpenAI Batch input lines, read and validated as a whole before anything is
 * published: every problem of every line is reported with its line number and field, and
 * duplicate {@code custom_id}s are refused (results are joined on them).
 *
 * @param path     the file
 * @param requests the valid requests, in file order, when there are no problems
 * @param problems every problem found; empty when the file is good
 */
public record BatchFile(Path path, List<Request> requests, List<Problem> problems) {

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

    public boolean isValid() {
        return problems.isEmpty();
    }

    /** Lists every problem, one per line, then a count saying that nothing happened. */
    public void report(java.io.PrintWriter err) {
        problems.forEach(problem -> err.println(problem.describe(path)));
        err.printf("%s: %d problem(s) on %d line(s); nothing was published.%n", path.getFileName(), problems.size(),
                problems.stream().mapToInt(Problem::line).distinct().count());
    }

    /** Requests per exact model id, in first-seen order. */
    public Map<String, Long> countsByModel() {
        Map<String, Long> counts = new LinkedHashMap<>();
        requests.forEach(request -> counts.merge(request.model(), 1L, Long::sum));
        return counts;
    }

    public static BatchFile read(Path path) {
        RequestDecoder decoder = new RequestDecoder();
        List<Request> requests = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, Integer> lineOfCustomId = new HashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                Decoded decoded = decoder.decode(line);
                if (decoded instanceof Decoded.Invalid invalid) {
                    for (Violation violation : invalid.violations()) {
                        problems.add(new Problem(lineNumber, violation.path(), violation.message()));
                    }
                    continue;
                }
                Request request = ((Decoded.Valid) decoded).request();
                Integer first = lineOfCustomId.putIfAbsent(request.customId(), lineNumber);
                if (first != null) {
                    problems.add(new Problem(lineNumber, "/custom_id",
                            "duplicate custom_id \"" + request.customId() + "\" (first on line " + first + ")"));
                    continue;
                }
                requests.add(request);
            }
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCodes.INVALID_INPUT, "no such file: " + path);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new CliException(ExitCodes.INVALID_INPUT, path + " is not UTF-8 text");
        } catch (IOException e) {
            throw new CliException(ExitCodes.INVALID_INPUT, "cannot read " + path + ": " + e.getMessage());
        }
        if (requests.isEmpty() && problems.isEmpty()) {
            problems.add(new Problem(1, "", "the file has no requests"));
        }
        return new BatchFile(path, List.copyOf(requests), List.copyOf(problems));
    }
}
