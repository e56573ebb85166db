package dev.dmap.bench;

import dev.dmap.devkit.broker.BrokerSettings;
import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.emulator.TimeScaleOption;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmap bench}: runs benchmark scenarios, both strategies in one run, and writes docs/benchmarks.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark model-aware scheduling against FIFO on a local broker and emulated GPUs,",
                "and write the tables and charts into docs/benchmarks.md."})
public class BenchCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "SCENARIO", defaultValue = "a,b,c", split = ",",
            description = "Scenarios to run: a, b, c (scheduling; default: all three), a-arriving and b-arriving (the same"
                    + " requests arriving while the workers run), bulk (one large file: dmap, FIFO and a sort-by-model"
                    + " script), scale-out (the same work on 1, 2 and 4 workers), cache (a batch again with 10 %% changed),"
                    + " window (the window search against fixed windows on a server that hides its limit),"
                    + " overhead, cpu (the broker's and a worker's CPU per request and while idle, each in its own JVM),"
                    + " real-engine-pinned (the engine alone on a core, dmap and a direct client alternated),"
                    + " or real-engine (llama-server;"
                    + " engines/llama-server/setup.sh first).")
    List<String> scenarios;

    @Option(names = "--requests", description = "overhead: requests per path (default: 20000); cpu: the backlog (default: 20000); real-engine: requests of the"
            + " throughput comparison, a tenth of them in the router one (default: 600); bulk: the file's size (default: 20000);"
            + " scale-out: the work (default: 8000); online: the bulk batch (default: 20000); cache: each batch (default: 20000);"
            + " window: the search's run, a quarter of it per fixed window (default: 20000).")
    Integer requests;

    @Option(names = "--entries", defaultValue = "1000000", description = "cache: entries of the local copy at scale (default: ${DEFAULT-VALUE}).")
    int entries;

    @Option(names = "--calls", defaultValue = "200", description = "online: idle calls per path (default: ${DEFAULT-VALUE}).")
    int calls;

    @Option(names = "--slots", defaultValue = "64", description = "overhead and cpu: the emulator's parallel slots (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--backlog", defaultValue = "1000000", description = "overhead: backlog for the memory check (default: ${DEFAULT-VALUE}).")
    long backlog;

    @Option(names = "--heap-watch", defaultValue = "60s", converter = dev.dmap.cli.DurationConverter.class,
            description = "overhead: how long to watch the worker's heap (default: ${DEFAULT-VALUE}).")
    java.time.Duration heapWatch;

    @Mixin
    TimeScaleOption timeScale = new TimeScaleOption(0.2);

    @Option(names = "--size", defaultValue = "1.0",
            description = "Fraction of the request counts of scenarios a and b (default: ${DEFAULT-VALUE}).")
    double size;

    @Option(names = "--report", defaultValue = "docs/benchmarks.md", description = "Markdown file to update (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--strategies", defaultValue = "fifo,affinity", split = ",",
            description = "Strategies to compare (default: ${DEFAULT-VALUE}); the report wants both.")
    List<String> strategies;

    @Option(names = "--fifo-sample", defaultValue = "100",
            description = "FIFO swaps on nearly every request: it runs on at most this many requests of each scenario (the"
                    + " first ones; bulk extrapolates its makespan), labelled so (default: ${DEFAULT-VALUE}).")
    int fifoSample;

    @Option(names = "--raw", description = "Also write every request's timings as CSV into this folder.")
    Path raw;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        PrintWriter out = spec.commandLine().getErr();
        // workers that start together join one group generation
        BrokerSettings settings = new BrokerSettings(BrokerSettings.DEFAULT_HOST, 0, 0, null,
                Map.of("group.initial.rebalance.delay.ms", "1500"));
        try (LocalBroker broker = LocalBroker.start(settings)) {
            if (scenarios.contains("overhead")) {
                new OverheadBenchmark(broker.bootstrapServers(), out, requests == null ? 20_000 : requests, slots)
                        .run(report, backlog, heapWatch, report);
            }
            if (scenarios.contains("cpu")) {
                new CpuBenchmark(out, requests == null ? 20_000 : requests, slots).run(report,
                        java.nio.file.Files.createTempDirectory("dmap-bench-cpu-"));
            }
            if (scenarios.contains("bulk")) {
                new BulkBenchmark(broker.bootstrapServers(), timeScale.value(), out)
                        .run(requests == null ? 20_000 : requests, fifoSample, report);
            }
            if (scenarios.contains("scale-out")) {
                new ScaleOutBenchmark(broker.bootstrapServers(), timeScale.value(), out)
                        .run(requests == null ? 8_000 : requests, report);
            }
            if (scenarios.contains("online")) {
                new OnlineBenchmark(broker.bootstrapServers(), false, timeScale.value(), out, requests == null ? 20_000 : requests,
                        calls).run(report);
            }
            if (scenarios.contains("online-real")) {
                new OnlineBenchmark(broker.bootstrapServers(), true, 1.0, out, requests == null ? 20_000 : requests, calls)
                        .run(report);
            }
            if (scenarios.contains("cache")) {
                new CacheBenchmark(broker.bootstrapServers(), timeScale.value(), out, requests == null ? 20_000 : requests)
                        .run(report, entries);
            }
            if (scenarios.contains("window")) {
                new WindowBenchmark(broker.bootstrapServers(), out, requests == null ? 20_000 : requests).run(report);
            }
            if (scenarios.contains("real-engine-pinned")) {
                new PinnedEngineBenchmark(new RealEngineBenchmark(broker.bootstrapServers(), out, 600), out,
                        requests == null ? 600 : requests).run(report);
            }
            if (scenarios.contains("real-engine")) {
                new RealEngineBenchmark(broker.bootstrapServers(), out, requests == null ? 600 : requests).run(report);
            }
            List<String> scheduling = scenarios.stream()
                    .filter(name -> !List.of("overhead", "cpu", "real-engine", "real-engine-pinned", "bulk", "scale-out", "online", "online-real",
                            "cache", "window")
                            .contains(name))
                    .toList();
            if (!scheduling.isEmpty()) {
                new SchedulingBenchmark(broker.bootstrapServers(), timeScale.value(), size, out, raw, fifoSample)
                        .run(scheduling, strategies, report);
            }
        }
        out.println("Wrote " + report);
        return 0;
    }
}
