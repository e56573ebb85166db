package dev.dmap.cli;

import dev.dmap.client.BatchIds;
import dev.dmap.client.CollectSummary;
import dev.dmap.client.Collector;
import dev.dmap.client.OutputFiles;
import dev.dmap.schemas.ExitCodes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dmap collect --batch-id ID -o out.jsonl}: wait for a batch and write OpenAI Batch output and error files. */
@Command(name = "collect", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        description = {"Write a batch's results as OpenAI Batch output lines and its failures as error lines,",
                "each as soon as it is read, until every request of the batch has its terminal record.",
                "Run it again after an interruption: it resumes the files without writing a line twice."})
public class CollectCommand implements Callable<Integer>, KafkaCommand {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--batch-id", required = true, description = "The batch to collect.")
    String batchId;

    @Option(names = {"-o", "--output"}, required = true, description = "Output file for results (OpenAI Batch output lines).")
    Path output;

    @Option(names = "--errors", description = "Error file (default: beside the output, <name>.errors.jsonl).")
    Path errors;

    @Option(names = "--timeout", description = "Give up after this long, e.g. 30m or PT30M (default: wait until complete).",
            converter = DurationConverter.class)
    Duration timeout;

    @Option(names = "--with-dmap-fields", description = "Write whole dmap records, not just the OpenAI fields.")
    boolean withDmapFields;

    @Option(names = "--overwrite", description = "Start the files afresh (default: resume them, writing only what is missing).")
    boolean overwrite;

    @Option(names = "--no-progress", negatable = true, description = "A progress bar on stderr (default: on).")
    boolean progress = true;

    @Spec
    CommandSpec spec;

    @Override
    public KafkaOptions kafka() {
        return kafka;
    }

    @Override
    public Integer call() {
        OutputFiles files = OutputFiles.beside(output, errors);
        Collector.Options options = Collector.Options.DEFAULT.withPatience(timeout).withDmapFields(withDmapFields).fresh(overwrite);
        CollectSummary summary = new Collector(kafka.connection()).collect(BatchIds.require(batchId), files, options,
                Progress.listener("Collecting " + batchId, progress));
        print(spec.commandLine().getErr(), summary, files);
        return exitCode(summary);
    }

    /** The exit code a collect's outcome deserves: 4 timed out, 5 every request failed, else 0. */
    public static int exitCode(CollectSummary summary) {
        if (!summary.complete()) {
            return ExitCodes.TIMED_OUT;
        }
        return summary.allFailed() ? ExitCodes.ALL_FAILED : ExitCodes.OK;
    }

    public static void print(PrintWriter err, CollectSummary summary, OutputFiles files) {
        err.printf("Batch %s: %d of %d requests succeeded, %d failed%s%n", summary.batchId(), summary.succeeded(),
                summary.total(), summary.failed(), summary.complete() ? "" : " (incomplete: timed out)");
        summary.failedByCode().forEach((code, count) -> err.printf("  %-28s %d%n", code, count));
        err.printf("Results: %s%nErrors:  %s%n", files.output(), files.errors());
        if (exitCode(summary) == ExitCodes.ALL_FAILED) {
            err.println("Every request failed: see the error file.");
        }
    }
}
