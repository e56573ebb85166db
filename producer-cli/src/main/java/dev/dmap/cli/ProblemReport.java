package dev.dmap.cli;

import dev.dmap.client.BatchFile;
import java.io.PrintWriter;

/** An invalid batch file as the CLI reports it: every problem on its own line, then a count saying nothing happened. */
public final class ProblemReport {
    private ProblemReport() {
    }

    public static void print(PrintWriter err, BatchFile file) {
        for (BatchFile.Problem problem : file.problems()) {
            err.println(problem.describe(file.path()) + (problem.kind() == BatchFile.Kind.OVER_SIZE_LIMIT ? " (--max-request-bytes)" : ""));
        }
        int unlisted = file.problemCount() - file.problems().size();
        if (unlisted > 0) {
            err.printf("%s: %d problem(s), the first %d listed above; nothing was published.%n", file.path().getFileName(),
                    file.problemCount(), file.problems().size());
            return;
        }
        err.printf("%s: %d problem(s) on %d line(s); nothing was published.%n", file.path().getFileName(), file.problems().size(),
                file.problems().stream().mapToInt(BatchFile.Problem::line).distinct().count());
    }
}
