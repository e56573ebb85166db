package dev.dmap.local;

import dev.dmap.cli.BatchFile;
import dev.dmap.cli.CollectCommand;
import dev.dmap.cli.CollectSummary;
import dev.dmap.cli.Collector;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.cli.KafkaOptions;
import dev.dmap.cli.OutputFiles;
import dev.dmap.cli.SubmittedBatch;
import dev.dmap.cli.Submitter;
import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.devkit.emulator.TimeScaleOption;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.WorkerConfig;
import dev.dmap.worker.metrics.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

    @Option(names = "--sim", description = "Use the built-in LM Studio emulator (synthetic completions, for trying dmap).")
    boolean sim;

    @Option(names = {"--backend-url", "--lmstudio-url"}, defaultValue = "${env:DMAP_BACKEND_URL:-http://localhost:1234}",
            description = "The inference server; its kind is detected (default: ${DEFAULT-VALUE}, LM Studio's).")
    URI backendUrl;

    @Option(names = "--api-key", defaultValue = "${env:LM_API_TOKEN}", description = "The server's API token, if it requires one (default: $LM_API_TOKEN).")
    String apiKey;

    @Mixin
    TimeScaleOption timeScale = new TimeScaleOption(0.1); // with --sim only

    @Option(names = "--with-dmap-fields", description = "Write whole dmap records, not just the OpenAI fields.")
    boolean withDmapFields;

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
        if (!sim) {
            BackendCheck.require(backendUrl, apiKey);
        }
        Instant started = Instant.now();
        try (LmStudioEmulator emulator = sim ? startEmulator(err) : null;
                LocalBroker broker = LocalBroker.startTemporary()) {
            URI backend = sim ? emulator.baseUrl() : backendUrl;
            err.printf("Kafka broker (local, single node) at %s%n", broker.bootstrapServers());
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            KafkaOptions kafka = KafkaOptions.of(broker.bootstrapServers(), Topics.DEFAULT_PREFIX);
            CollectSummary summary;
            try (Worker worker = Worker.start(workerConfig(broker, backend), registry)) {
                SubmittedBatch submitted = new Submitter(kafka, Clock.systemUTC()).submit(batch, "run-" + started.getEpochSecond(), null, true);
                OutputFiles files = OutputFiles.beside(output, errors);
                summary = new Collector(kafka).collect(submitted.batchId(), files, null, true, withDmapFields, true);
                CollectCommand.print(err, summary, files);
            }
            printRunFacts(err, registry, started);
            return summary.exitCode();
        }
    }

    private LmStudioEmulator startEmulator(PrintWriter err) {
        LmStudioEmulator emulator = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(timeScale.value()).build());
        err.printf("LM Studio EMULATOR at %s (a development tool: completions are synthetic; time scale %s)%n",
                emulator.baseUrl(), timeScale.value());
        return emulator;
    }

    private WorkerConfig workerConfig(LocalBroker broker, URI backend) {
        WorkerConfig config = WorkerConfig.defaults("local-worker", broker.bootstrapServers(), backend)
                .withKafka(dev.dmap.worker.config.KafkaSettings.defaults(broker.bootstrapServers()).withGroupId("dmap-run"));
        config = config.withBackend(config.backend().withApiKey(apiKey)).withBatches(
                dev.dmap.worker.config.BatchSettings.withoutTracker());
        if (sim) {
            // the emulated GPU runs on emulated time, and so do the durations the scheduler weighs against
            // it: the cooldown (the GPU driver releasing memory), max-wait, min-hold and the batch window,
            // as in `dmap bench`
            config = config.withBackend(config.backend().withUnloadCooldown(scaled(config.backend().unloadCooldown())));
            config = config.withScheduling(config.scheduling().withMaxWait(scaled(config.scheduling().maxWait()),
                    scaled(config.scheduling().minHold())).withBatchWindow(scaled(config.scheduling().batchWindow())));
        }
        return config;
    }

    /**
     * An emulated duration in real time. At time scale 0 the emulated work takes no time at all, so a
     * bound in emulated time would be no bound: the configured durations stay as they are.
     */
    private Duration scaled(Duration emulated) {
        if (timeScale.value() == 0) {
            return emulated;
        }
        Duration real = Duration.ofNanos((long) (emulated.toNanos() * timeScale.value()));
        return emulated.isZero() || real.toMillis() >= 1 ? real : Duration.ofMillis(1);
    }

    private void printRunFacts(PrintWriter err, SimpleMeterRegistry registry, Instant started) {
        double loads = registry.find(MetricNames.MODEL_SWAPS).counters().stream().mapToDouble(c -> c.count()).sum();
        err.printf("Model loads: %.0f. Took %.1f s.%s%n", loads, Duration.between(started, Instant.now()).toMillis() / 1000.0,
                sim ? " Completions came from the LM Studio emulator." : "");
        err.println("Worker log: " + System.getProperty("dmap.log.file", ".dmap/logs/dmap.log"));
    }
}
