package dev.dmap.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code dmap submit FILE.jsonl}: validate every line, then publish the batch. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Validate a JSONL file of OpenAI Batch input lines and publish it as one batch.",
                "Nothing is published unless every line is valid; every bad line is listed with its line number and field.",
                "Prints the batch id on stdout."})
public class SubmitCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "FILE.jsonl", description = "OpenAI Batch input lines (custom_id, method, url, body).")
    Path file;

    @Option(names = "--batch-id", description = "Batch id to use (default: a new batch_<time>_<hex>).")
    String batchId;

    @Option(names = "--no-progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on stderr (default: on).")
    boolean progress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        BatchFile batch = BatchFile.read(file);
        if (!batch.isValid()) {
            batch.report(err);
            return ExitCodes.INVALID_INPUT;
        }
        Clock clock = Clock.systemUTC();
        String id = batchId == null ? BatchIds.generate(clock) : BatchIds.require(batchId);
        SubmittedBatch submitted = new Submitter(kafka, clock).submit(batch, id, null, progress);
        err.printf("Submitted batch %s: %d requests%n", submitted.batchId(), submitted.total());
        submitted.byModel().forEach((model, count) -> err.printf("  %-50s %d%n", model, count));
        err.printf("Collect the results with: dmap collect --batch-id %s -o results.jsonl%n", submitted.batchId());
        spec.commandLine().getOut().println(submitted.batchId());
        return ExitCodes.OK;
    }
}
