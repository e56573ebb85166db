package dev.dmap.client;

import dev.dmap.client.BatchFile.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcomes of a batch file's lines checked so far, in file order: requests per model, the first
 * endpoint line, the custom ids seen (a repeat is a problem), and the problems: the first
 * {@code maxKept} kept, every one counted, so that memory stays bounded however bad the file.
 */
final class ValidationTally {
    private final int maxKept;
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, Integer> lineOfCustomId = new HashMap<>();
    private final Map<String, Integer> firstLineByUrl = new LinkedHashMap<>();
    private final Map<String, Integer> firstLineByModel = new LinkedHashMap<>();
    private int problemCount;

    ValidationTally(int maxKept) {
        this.maxKept = maxKept;
    }

    void add(List<LineCheck.Checked> checked) {
        for (LineCheck.Checked line : checked) {
            line.problems().forEach(this::problem);
            if (line.request() == null) {
                continue;
            }
            Integer first = lineOfCustomId.putIfAbsent(line.request().customId(), line.line());
            if (first != null) {
                problem(new Problem(line.line(), "/custom_id",
                        "duplicate custom_id \"" + line.request().customId() + "\" (first on line " + first + ")"));
                continue;
            }
            counts.merge(line.request().model(), 1L, Long::sum);
            firstLineByUrl.putIfAbsent(line.request().url(), line.line());
            firstLineByModel.putIfAbsent(line.request().model(), line.line());
        }
    }

    void problem(Problem problem) {
        problemCount++;
        if (problems.size() < maxKept) {
            problems.add(problem);
        }
    }

    int total() {
        return counts.values().stream().mapToInt(Long::intValue).sum();
    }

    Map<String, Long> counts() {
        return counts;
    }

    Map<String, Integer> firstLineByUrl() {
        return firstLineByUrl;
    }

    Map<String, Integer> firstLineByModel() {
        return firstLineByModel;
    }

    List<Problem> problems() {
        return problems;
    }

    int problemCount() {
        return problemCount;
    }
}
