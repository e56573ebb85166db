package dev.dmap.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes the online benchmark into docs/benchmarks.md, between its own markers: the article's table, each target met or missed. */
final class OnlineReport {

    private final String server;
    private final boolean realEngine;
    private final double timeScale;
    private final int calls;
    private final OnlineBenchmark.SwitchBound switchBound;
    private final double settledHeapMb;
    private final double againHeapMb;
    private final List<OnlineBenchmark.Spread> idle;
    private final List<OnlineBenchmark.Spread> beside;
    private final List<OnlineRamp.Step> ramp;
    private final OnlineBenchmark.Bulk bulk;

    OnlineReport(String server, boolean realEngine, double timeScale, int calls, List<OnlineBenchmark.Spread> idle,
            List<OnlineBenchmark.Spread> beside, OnlineRamp.Result ramped, OnlineBenchmark.Bulk bulk,
            OnlineBenchmark.SwitchBound switchBound) {
        this.ramp = ramped.steps();
        this.settledHeapMb = ramped.settledHeapMb();
        this.againHeapMb = ramped.againHeapMb();
        this.server = server;
        this.realEngine = realEngine;
        this.switchBound = switchBound;
        this.timeScale = timeScale;
        this.calls = calls;
        this.idle = idle;
        this.beside = beside;
        this.bulk = bulk;
    }

    void writeInto(Path file) throws IOException {
        OnlineBenchmark.Spread direct = idle.get(0);
        OnlineBenchmark.Spread dmap = idle.get(1);
        OnlineBenchmark.Spread directFirst = idle.get(2);
        OnlineBenchmark.Spread dmapFirst = idle.get(3);
        OnlineBenchmark.Spread directBeside = beside.get(0);
        OnlineBenchmark.Spread loaded = beside.get(1);
        OnlineBenchmark.Spread other = beside.get(2);
        double swapBound = switchBound.seconds();
        int directHeld = held("direct");
        int dmapHeld = held("dmap");
        OnlineRamp.Step top = ramp.stream().filter(r -> r.path().equals("dmap")).reduce((a, b) -> b).orElseThrow();
        double growth = bulk.besideSeconds() - bulk.aloneSeconds();
        double allowed = bulk.interactiveWorkSeconds() + bulk.swapSeconds();
        StringBuilder text = new StringBuilder(realEngine
                ? "## The online lane on a real engine: llama.cpp's llama-server\n\n"
                : "## The online lane: synchronous calls through Kafka, beside bulk work\n\n")
                .append(String.format(Locale.ROOT, "Reproduce: `./dmap bench %s --requests %d --calls %d%s` (%s; %d cores"
                        + " shared by broker, server, worker, gateway and client). The direct path calls the server itself:"
                        + " the article's \"Baseline (Direct LM Studio)\". Idle calls alternate one by one between the paths,"
                        + " so the machine's drift hits both.%n%n", realEngine ? "online-real" : "online", bulk.requests(), calls,
                        realEngine ? "" : String.format(Locale.ROOT, " --time-scale %.2f", timeScale), server,
                        Runtime.getRuntime().availableProcessors()))
                .append("| metric | Baseline (direct) | through dmap | target | |\n|---|---|---|---|---|\n")
                .append(row("P50 latency, idle GPU (16 tokens)", ms(direct.p50()), ms(dmap.p50()), "≤ direct + 20 ms",
                        dmap.p50() <= direct.p50() + 0.020))
                .append(row("P95 latency, idle GPU", ms(direct.p95()), ms(dmap.p95()), "–", null))
                .append(row("Time to first token P50, streaming", ms(directFirst.p50()), ms(dmapFirst.p50()), "≤ direct + 30 ms",
                        dmapFirst.p50() <= directFirst.p50() + 0.030))
                .append(row("Time to first token P95", ms(directFirst.p95()), ms(dmapFirst.p95()), "–", null))
                .append(row("P95 latency beside a " + String.format(Locale.ROOT, "%,d", bulk.requests()) + "-request bulk batch,"
                        + " its model", ms(directBeside.p95()) + " (queued behind bulk)", ms(loaded.p95()), "≤ 1.5 × idle P95 ("
                        + ms(1.5 * dmap.p95()) + ")", loaded.p95() <= 1.5 * dmap.p95()))
                .append(row("Model switch seen by a call for another model (P95, " + other.calls() + " calls)", "–",
                        ms(other.p95()), String.format(Locale.ROOT, "≤ cooldown %.0f s + load %s + service %s + 1 s (%s)",
                                switchBound.cooldownSeconds(), ms(switchBound.loadSeconds()), ms(switchBound.serviceSeconds()),
                                ms(swapBound)), other.p95() <= swapBound))
                .append(row("Most concurrent calls held without a failure (ramp 100, 250, 500, 1,000)",
                        String.format(Locale.ROOT, "%,d", directHeld), String.format(Locale.ROOT, "%,d", dmapHeld), "1,000",
                        dmapHeld >= 1000))
                .append(row("Heap after GC once the 1,000 calls' connections closed, then after another 1,000 calls (whole"
                        + " bench JVM: broker, server, worker, gateway, client; before the 1,000-call step " + String.format(
                        Locale.ROOT, "%.0f MB)", top.heapBeforeMb()), "–", String.format(Locale.ROOT, "%.0f MB → %.0f MB",
                        settledHeapMb, againHeapMb), "flat: no growth with more calls (≤ 16 MB)", againHeapMb <= settledHeapMb + 16))
                .append(row("Bulk makespan growth", String.format(Locale.ROOT, "alone %.1f s", bulk.aloneSeconds()),
                        String.format(Locale.ROOT, "beside calls %.1f s (+%.1f s)", bulk.besideSeconds(), growth),
                        String.format(Locale.ROOT, "≤ interactive work + forced swaps (%.1f s)", allowed), growth <= allowed))
                .append(String.format(Locale.ROOT, "%nBeside the bulk batch, %d interactive calls for its model (one a second, its first 30 s) and"
                        + " then %d for another model (one every 15 s, each forcing a swap there and back) ran through dmap; %d calls went straight to the server for"
                        + " comparison, where they wait in the server's queue behind the worker's bulk calls. dmap never holds"
                        + " more calls at the server than its slots: an interactive call takes the next free slot.%n%n",
                        loaded.calls(), other.calls(), directBeside.calls()))
                .append("| ramp | concurrent | answered | failed | P95 | heap after GC before → after |\n|---|---|---|---|---|---|\n");
        for (OnlineRamp.Step step : ramp) {
            text.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %s | %s | %.0f → %.0f MB |%n", step.path(), step.concurrent(),
                    step.answered(), step.failed() == 0 ? "0" : step.failed() + " " + step.failures(), ms(step.p95()),
                    step.heapBeforeMb(), step.heapAfterMb()));
        }
        text.append("\nAll figures: ").append(idle.stream().mapToInt(OnlineBenchmark.Spread::failed).sum())
                .append(" idle calls failed; beside bulk ").append(beside.stream().mapToInt(OnlineBenchmark.Spread::failed).sum())
                .append(" failed.\n");
        new ReportSection(realEngine ? "online-real-benchmark" : "online-benchmark").write(file, text.toString());
    }

    private int held(String path) {
        int held = 0;
        for (OnlineRamp.Step step : ramp) {
            if (step.path().equals(path) && step.failed() == 0) {
                held = Math.max(held, step.concurrent());
            }
        }
        return held;
    }

    private static String row(String metric, String direct, String dmap, String target, Boolean met) {
        return "| " + metric + " | " + direct + " | " + dmap + " | " + target + " | " + (met == null ? "" : met ? "met" : "**missed**")
                + " |\n";
    }

    private static String ms(double seconds) {
        return seconds >= 10 ? String.format(Locale.ROOT, "%.1f s", seconds) : String.format(Locale.ROOT, "%.0f ms", seconds * 1000);
    }
}
