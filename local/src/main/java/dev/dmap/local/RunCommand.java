package dev.dmap.local;

import dev.dmap.cli.CollectCommand;
import dev.dmap.cli.Progress;
import dev.dmap.cli.ProblemReport;
import dev.dmap.client.BatchFile;
import dev.dmap.client.CollectSummary;
import dev.dmap.client.Collector;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.OutputFiles;
import dev.dmap.client.SubmittedBatch;
import dev.dmap.client.Submitter;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.BatchSettings;
import dev.dmap.worker.config.WorkerConfig;
import dev.dmap.worker.metrics.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dmap run FILE.jsonl -o out.jsonl [--sim]}: the whole system in one process, on real
 * sockets: a single-node Kafka broker, a worker, LM Studio (or the emulator), submit, collect.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Process a JSONL batch locally: start a Kafka broker and a worker, submit the file,",
                "and write OpenAI Batch output and error files. Uses the server at --backend-url",
                "(LM Studio, llama.cpp's llama-server or any OpenAI-compatible one), or the built-in",
                "LM Studio emulator with --sim."})
public class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE.jsonl", description = "OpenAI Batch input lines.")
    Path file;

    @Option(names = {"-o", "--output"}, required = true, description = "Output file for results.")
    Path output;

    @Option(names = "--errors", description = "Error file (default: beside the output, <name>.errors.jsonl).")
    Path errors;

    @Mixin
    LocalBackend backend = new LocalBackend();

    @Option(names = "--with-dmap-fields", description = "Write whole dmap records, not just the OpenAI fields.")
    boolean withDmapFields;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        BatchFile batch = BatchFile.read(file);
        if (!batch.isValid()) {
            ProblemReport.print(err, batch);
            return ExitCodes.INVALID_INPUT;
        }
        backend.requireReachable();
        Instant started = Instant.now();
        try (LmStudioEmulator emulator = backend.startEmulatorIfSim(err);
                LocalBroker broker = LocalBroker.startTemporary()) {
            err.printf("Kafka broker (local, single node) at %s%n", broker.bootstrapServers());
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            KafkaConnection kafka = KafkaConnection.of(broker.bootstrapServers(), Topics.DEFAULT_PREFIX);
            CollectSummary summary;
            WorkerConfig config = backend.workerConfig(broker.bootstrapServers(), "dmap-run", emulator)
                    .withBatches(BatchSettings.withoutTracker());
            try (Worker worker = Worker.start(config, registry)) {
                SubmittedBatch submitted = new Submitter(kafka, Clock.systemUTC()).submit(batch, "run-" + started.getEpochSecond(),
                        Submitter.Options.NONE, Progress.listener("Submitting", true));
                OutputFiles files = OutputFiles.beside(output, errors);
                summary = new Collector(kafka).collect(submitted.batchId(), files,
                        Collector.Options.DEFAULT.withDmapFields(withDmapFields).fresh(true),
                        Progress.listener("Collecting " + submitted.batchId(), true));
                CollectCommand.print(err, summary, files);
            }
            printRunFacts(err, registry, started);
            return CollectCommand.exitCode(summary);
        }
    }

    private void printRunFacts(PrintWriter err, SimpleMeterRegistry registry, Instant started) {
        double loads = registry.find(MetricNames.MODEL_SWAPS).counters().stream().mapToDouble(c -> c.count()).sum();
        err.printf("Model loads: %.0f. Took %.1f s.%s%n", loads, Duration.between(started, Instant.now()).toMillis() / 1000.0,
                backend.sim() ? " Completions came from the LM Studio emulator." : "");
        err.println("Worker log: " + System.getProperty("dmap.log.file", ".dmap/logs/dmap.log"));
    }
}
