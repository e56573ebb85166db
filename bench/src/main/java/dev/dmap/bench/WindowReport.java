package dev.dmap.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The window benchmark's section of docs/benchmarks.md. */
record WindowReport(int requests, List<WindowBenchmark.Run> runs) {
    private static final ReportSection SECTION = new ReportSection("window-benchmark");
    static final double TARGET = 0.95;

    void writeInto(Path report) throws IOException {
        StringBuilder text = new StringBuilder("## A window that finds the server's limit\n\n");
        text.append(format("Reproduce: `./dmap bench window --requests %d` (an **emulated** plain OpenAI-compatible server, "
                + "`kind: openai`, that reports no slots: %.0f calls a second with one in flight, rising to its peak at %d in "
                + "flight, then losing 5 %% of the peak per further call, as a server with a full KV cache does; one worker; "
                + "%d cores shared by the broker, the worker and the server).%n%n", requests, WindowBenchmark.SINGLE,
                WindowBenchmark.PEAK, Runtime.getRuntime().availableProcessors()));
        text.append("| window | requests | first call → last outcome | throughput | server's mean in flight |\n|---|---|---|---|---|\n");
        for (WindowBenchmark.Run run : runs) {
            text.append(format("| %s | %,d | %.1f s | %.1f/s | %.1f |%n", run.window() == 0 ? "**search** (from 4, ceiling 64)"
                    : "fixed " + run.window(), run.requests(), run.seconds(), run.throughput(), mean(run.inFlight())));
        }
        WindowBenchmark.Run best = runs.stream().filter(run -> run.window() > 0)
                .max(Comparator.comparingDouble(WindowBenchmark.Run::throughput)).orElseThrow();
        WindowBenchmark.Run search = runs.stream().filter(run -> run.window() == 0).findFirst().orElseThrow();
        double ratio = search.throughput() / best.throughput();
        text.append(format("%nThe best fixed window of the sweep: %d (%.1f/s). The search, over its whole run (its climb "
                + "included): %.1f/s = **%.3f ×** the best fixed window. Target ≥ %.2f ×: **%s**.%n%n", best.window(),
                best.throughput(), search.throughput(), ratio, TARGET, ratio >= TARGET ? "met" : "missed"));
        text.append(format("The server's mean calls in flight in each %d s of the search: %s.%n",
                WindowBenchmark.SAMPLE.toSeconds(), search.inFlight().stream().map(v -> format("%.1f", v))
                        .collect(Collectors.joining(", "))));
        SECTION.write(report, text.toString());
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
