package dev.dmap.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** Writes the overhead benchmark into docs/benchmarks.md, between its own markers. */
final class OverheadReport {
    private static final ReportSection SECTION = new ReportSection("overhead-benchmark");

    private final int requests;
    private final int slots;
    private final List<OverheadBenchmark.Throughput> rows;
    private final HeapWatch.Result heap;

    OverheadReport(int requests, int slots, List<OverheadBenchmark.Throughput> rows, HeapWatch.Result heap) {
        this.requests = requests;
        this.slots = slots;
        this.rows = rows;
        this.heap = heap;
    }

    void writeInto(Path file) throws IOException {
        OverheadBenchmark.Throughput baseline = rows.get(0);
        StringBuilder text = new StringBuilder("## Worker overhead, exactly-once, and memory\n\n")
                .append(String.format(Locale.ROOT, "Reproduce: `./dmap bench overhead --requests %d --backlog %d` (%s).%n%n",
                        requests, heap.backlog(), machine()))
                .append(String.format(Locale.ROOT, "%,d chat requests to one model on the LM Studio emulator with no simulated "
                        + "latency (time scale 0) and %d parallel slots, sent three ways in one run: straight to the emulator "
                        + "by a plain HTTP load generator with %d concurrent callers, and through Kafka and one worker "
                        + "(in-flight window %d) with at-least-once and with exactly-once delivery. Everything runs on this "
                        + "machine at once: broker, emulator, worker and load generator share its cores. The worker's cost "
                        + "per request is the difference in wall time per request against the baseline.%n%n",
                        requests, slots, slots, slots))
                .append("| path | wall time | requests/s | ms per request | added by the worker |\n|---|---|---|---|---|\n");
        for (OverheadBenchmark.Throughput row : rows) {
            double added = row.msPerRequest() - baseline.msPerRequest();
            text.append(String.format(Locale.ROOT, "| %s | %.2f s | %,.0f | %.3f | %s |%n", row.path(),
                    row.took().toNanos() / 1e9, row.perSecond(), row.msPerRequest(),
                    row == baseline ? "" : String.format(Locale.ROOT, "%.3f ms", added)));
        }
        double peak = heap.samples().stream().mapToDouble(s -> s[1]).max().orElse(0);
        double low = heap.samples().stream().mapToDouble(s -> s[1]).min().orElse(0);
        text.append(String.format(Locale.ROOT, "%n**Memory.** A worker service (its own JVM, `-Xmx%s`) started against a "
                        + "backlog of %,d requests with the emulator at realistic speed (4 slots): its heap after a forced GC, "
                        + "every 5 s, stayed between %.1f and %.1f MB while it served %,d requests; the backlog stays in "
                        + "Kafka, and the worker holds at most `max-buffered-per-partition` records per partition plus its "
                        + "in-flight window.%n%n**Slots busy.** In that run, with the model always backlogged, the "
                        + "backend's 4 slots were in a backend call %.1f%% of the time (sum of the results' `backend_ms` over "
                        + "4 x the span from the first backend call to the last result; the model load before it does not count).%n%n"
                        + "![Heap after GC while facing the backlog](bench-heap.png)%n%n",
                heap.maxHeap(), heap.backlog(), low, peak, heap.served(), 100 * heap.slotBusy()));
        writeChart(file.resolveSibling("bench-heap.png"));
        SECTION.write(file, text.toString());
    }

    private void writeChart(Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(640).height(320)
                .title(String.format(Locale.ROOT, "Worker heap after GC, %,d-request backlog", heap.backlog()))
                .xAxisTitle("seconds").yAxisTitle("MB").build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("heap", heap.samples().stream().mapToDouble(s -> s[0]).toArray(),
                heap.samples().stream().mapToDouble(s -> s[1]).toArray());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }


    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version");
    }
}
