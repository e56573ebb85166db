package dev.dmap.cli;

import dev.dmap.client.BatchEstimate;
import dev.dmap.client.BatchFile;
import dev.dmap.client.BatchIds;
import dev.dmap.client.ClientException;
import dev.dmap.client.SubmittedBatch;
import dev.dmap.client.Submitter;
import dev.dmap.schemas.CacheControl;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.Limits;
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
@Command(name = "submit", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        description = {"Validate a JSONL file of OpenAI Batch input lines and publish it as one batch.",
                "Nothing is published unless every line is valid; every bad line is listed with its line number and field.",
                "Prints the batch id on stdout."})
public class SubmitCommand implements Callable<Integer>, KafkaCommand {
    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "FILE.jsonl", description = "OpenAI Batch input lines (custom_id, method, url, body).")
    Path file;

    @Option(names = "--batch-id", description = "Batch id to use (default: a new batch_<time>_<hex>).")
    String batchId;

    @Option(names = "--completion-window", converter = DurationConverter.class,
            description = "Deadline from now, e.g. 2h or 24h: requests not served by then end as deadline_exceeded.")
    java.time.Duration completionWindow;

    @Option(names = "--deadline", description = "Explicit deadline (RFC 3339, e.g. 2026-11-27T08:00:00Z).")
    java.time.Instant deadline;

    @Option(names = "--priority", description = "Priority of every line without one of its own (higher is served first,"
            + " at the next safe point; a lower one still meets its deadline). Default: the lines' own, else 0.")
    Integer priority;

    @Option(names = "--cache", paramLabel = "MODE", description = "Response cache use for lines without their own "
            + "\"cache\" field: on (read and write, the default), write-only, read-only or off. Only cacheable lines "
            + "(embeddings; temperature 0 or a seed, n of 1) use it; see docs/cache.md.")
    String cacheMode;

    @Option(names = "--cache-max-age", converter = DurationConverter.class, paramLabel = "AGE",
            description = "The oldest stored answer a line accepts, e.g. 24h (default: any within the cache's time to live).")
    java.time.Duration cacheMaxAge;

    @Option(names = "--estimate", description = "Validate, then print what the batch will ask of the fleet per model "
            + "(requests, prompt tokens, GPU time from the fleet's recent service times, loads) and publish nothing.")
    boolean estimate;

    @Option(names = "--no-progress", negatable = true,
            description = "Progress on stderr: a bar on a terminal, a line every 10 s otherwise (default: on).")
    boolean progress = true;

    @Option(names = "--max-request-bytes", defaultValue = "${env:DMAP_MAX_REQUEST_BYTES:-" + Limits.DEFAULT_MAX_REQUEST_BYTES + "}",
            description = "Largest request in bytes: a longer line is refused at validation; sizes the producer's records and "
                    + "the request topics (default: $DMAP_MAX_REQUEST_BYTES or ${DEFAULT-VALUE}, 4 MiB).")
    int maxRequestBytes = Limits.DEFAULT_MAX_REQUEST_BYTES;

    @Spec
    CommandSpec spec;

    @Override
    public KafkaOptions kafka() {
        return kafka;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (maxRequestBytes <= 0 || maxRequestBytes > Integer.MAX_VALUE - Limits.ENVELOPE_HEADROOM_BYTES) {
            throw new CliException(ExitCodes.INVALID_INPUT, "--max-request-bytes must be a positive number of bytes: " + maxRequestBytes);
        }
        BatchFile batch = BatchFile.read(file, maxRequestBytes);
        if (!batch.isValid()) {
            ProblemReport.print(err, batch);
            return ExitCodes.INVALID_INPUT;
        }
        Clock clock = Clock.systemUTC();
        if (estimate) {
            EstimateTable.print(spec.commandLine().getOut(), file, BatchEstimate.measure(batch, kafka.connection(), clock));
            return ExitCodes.OK;
        }
        String id = batchId == null ? BatchIds.generate(clock) : BatchIds.require(batchId);
        if (completionWindow != null && deadline != null) {
            throw new CliException(ExitCodes.INVALID_INPUT, "give --completion-window or --deadline, not both");
        }
        java.time.Instant expires = deadline != null ? deadline
                : completionWindow != null ? clock.instant().plus(completionWindow) : null;
        SubmittedBatch submitted = submit(batch, id, new Submitter.Options(expires, priority).withCache(cacheControl()), clock);
        switch (submitted.publication()) {
            case NONE -> {
                err.printf("Batch %s was submitted before with this file; nothing was published again.%n", submitted.batchId());
                spec.commandLine().getOut().println(submitted.batchId());
                return ExitCodes.OK;
            }
            case RESUMED -> err.printf("Batch %s was submitted before but stopped before its requests were committed "
                    + "(none of them reached a worker); published its %d requests now%n", submitted.batchId(), submitted.total());
            case ALL -> err.printf("Submitted batch %s: %d requests%s%n", submitted.batchId(), submitted.total(),
                    expires == null ? "" : ", deadline " + expires);
        }
        submitted.byModel().forEach((model, count) -> err.printf("  %-50s %d%n", model, count));
        err.printf("Collect the results with: dmap collect --batch-id %s -o results.jsonl%n", submitted.batchId());
        spec.commandLine().getOut().println(submitted.batchId());
        return ExitCodes.OK;
    }

    /** The batch's cache use from --cache and --cache-max-age, or null when neither is given. */
    private CacheControl cacheControl() {
        if (cacheMode == null && cacheMaxAge == null) {
            return null;
        }
        try {
            return new CacheControl(cacheMode, cacheMaxAge == null ? null : cacheMaxAge.toSeconds());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.INVALID_INPUT, "--cache: " + e.getMessage());
        }
    }

    /** Publishes the batch; a failure midway says how to finish it, a submit fenced out how to follow the one that took over. */
    private SubmittedBatch submit(BatchFile batch, String id, Submitter.Options options, Clock clock) {
        try {
            return new Submitter(kafka.connection(), clock, maxRequestBytes).submit(batch, id, options,
                    Progress.listener("Submitting", progress));
        } catch (ClientException.PublishFailed e) {
            throw new CliException(ExitCodes.UNREACHABLE, e.getMessage() + ": dmap submit " + file + " --batch-id " + id);
        } catch (ClientException.SubmitTakenOver e) {
            throw new CliException(ExitCodes.INTERNAL, e.getMessage() + "; follow it with: dmap status " + id);
        }
    }
}
