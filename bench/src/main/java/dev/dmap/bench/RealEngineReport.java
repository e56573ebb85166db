package dev.dmap.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/** Writes the real-engine benchmark into docs/benchmarks.md, between its own markers, with its chart. */
final class RealEngineReport {
    private static final ReportSection SECTION = new ReportSection("real-engine-benchmark");

    private final int requests;
    private final List<RealEngineBenchmark.Row> rows;
    private final String engine;

    RealEngineReport(int requests, List<RealEngineBenchmark.Row> rows, String engine) {
        this.requests = requests;
        this.rows = rows;
        this.engine = engine;
    }

    void writeInto(Path file) throws IOException {
        RealEngineBenchmark.Row before = rows.get(0);
        RealEngineBenchmark.Row dmap = rows.get(1);
        RealEngineBenchmark.Row after = rows.get(2);
        RealEngineBenchmark.Row plain = rows.get(3);
        RealEngineBenchmark.Row routerDirect = rows.get(4);
        RealEngineBenchmark.Row routerDmap = rows.get(5);
        RealEngineBenchmark.Row routerSorted = rows.get(6);
        double baseline = (before.perSecond() + after.perSecond()) / 2;
        StringBuilder text = new StringBuilder("## On a real engine: llama.cpp's llama-server\n\n")
                .append(String.format(Locale.ROOT, "Reproduce: `bash engines/llama-server/setup.sh && ./dmap bench real-engine"
                        + " --requests %d` (%s, %s, CPU, `--threads 1`; %d cores shared by broker, server, worker and client)."
                        + "%n%n", requests, engine, "tiny generated models", Runtime.getRuntime().availableProcessors()))
                .append("Both comparisons send the same request bodies on both paths, in one run. Every request generates "
                        + "exactly `max_tokens` (`ignore_eos`), so both paths do the same work. The worker runs with its "
                        + "defaults except the unload cooldown (0: it guards GPU drivers, and this engine runs on the CPU). "
                        + "The client's time is its wall time.\n\n")
                .append("| comparison | path | requests | makespan | requests/s | model loads | failed |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (RealEngineBenchmark.Row row : rows) {
            text.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f s | %.1f | %s | %d |%n", row.comparison(), row.path(),
                    row.requests(), row.makespan().toNanos() / 1e9, row.perSecond(),
                    row.comparison().equals("router") ? Long.toString(row.loads()) : "–", row.failed()));
        }
        double baselineSeconds = (seconds(before) + seconds(after)) / 2;
        double gapMs = (seconds(dmap) - baselineSeconds) * 1000 / (requests / 4.0);
        text.append(String.format(Locale.ROOT, "%n**(i) Throughput**, one model (`%s`, `--parallel 4`), 32 tokens each (about"
                        + " %.0f ms a request), after a warm-up of both paths; the baseline ran before and after dmap: dmap"
                        + " reaches **%.2f×** the direct client's throughput (their mean; goal ≥ 0.95), and %.2f× as a plain"
                        + " OpenAI-compatible client (kind `openai`, nothing llama-server-specific). dmap's time runs from its"
                        + " first backend call to its last result. The gap is about %.1f ms per request and slot (publishing"
                        + " the result in a transaction, then dispatching the next), on a machine where broker, worker and"
                        + " engine share 2 cores: on requests of a second or more, as real models take, it is under 1%%.%n%n",
                        "tiny-llama-spm-64", baselineSeconds * 1000 / (requests / 4.0), dmap.perSecond() / baseline,
                        plain.perSecond() / baseline, gapMs))
                .append(String.format(Locale.ROOT, "**(ii) Swaps**, a router holding one model (`--models-max 1`, `--parallel 2`),"
                        + " three models interleaved one request at a time, 16 tokens each; dmap's time runs from its first request's"
                        + " start, model load included, to its last result: the client in arrival order made the"
                        + " router load **%d** times (%d requests failed) in %.1f s; dmap made **%d** loads in all"
                        + " and took %.1f s (%.2f× the client's makespan).%n%n", routerDirect.loads(), routerDirect.failed(),
                        routerDirect.makespan().toNanos() / 1e9, routerDmap.loads(), routerDmap.makespan().toNanos() / 1e9,
                        routerDmap.makespan().toNanos() / (double) routerDirect.makespan().toNanos()))
                .append(String.format(Locale.ROOT, "**(iii) The bulk comparison on a real engine:** the same requests, sorted by"
                        + " model by a careful script and sent one model after the other (the router loads each on its first"
                        + " request): %d loads, %.1f s; dmap: %d loads, %.1f s, **%.2f×** the script's makespan (goal ≤ 1.05).%n%n",
                        routerSorted.loads(), routerSorted.makespan().toNanos() / 1e9, routerDmap.loads(),
                        routerDmap.makespan().toNanos() / 1e9,
                        routerDmap.makespan().toNanos() / (double) routerSorted.makespan().toNanos()))
                .append("![Makespan on llama-server: direct client against dmap](bench-real.png)\n");
        writeChart(file.resolveSibling("bench-real.png"));
        SECTION.write(file, text.toString());
    }

    private void writeChart(Path png) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(720).height(340)
                .title("llama-server: makespan, direct client against dmap").yAxisTitle("seconds").build();
        chart.getStyler().setYAxisMin(0.0);
        List<String> comparisons = List.of("(i) one model", "(ii) router: 3 models, room for 1");
        double baseline = (seconds(rows.get(0)) + seconds(rows.get(2))) / 2;
        chart.addSeries("direct HTTP client", comparisons, List.of(baseline, seconds(rows.get(4))));
        chart.addSeries("Kafka + dmap worker", comparisons, List.of(seconds(rows.get(1)), seconds(rows.get(5))));
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static double seconds(RealEngineBenchmark.Row row) {
        return row.makespan().toNanos() / 1e9;
    }

}
