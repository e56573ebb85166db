package dev.dmap.bench;

import dev.dmap.worker.config.SchedulingSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The bulk scenario run three ways in one run: the careful user's sort-by-model script (the
 * yardstick), dmap, and FIFO. FIFO swaps on nearly every request, so it runs on the first
 * {@code fifoSample} requests of the same file and its makespan is extrapolated, and labelled so.
 */
public final class BulkBenchmark {
    private static final ReportSection SECTION = new ReportSection("bulk-benchmark");

    private final String bootstrapServers;
    private final double timeScale;
    private final PrintWriter progress;

    public BulkBenchmark(String bootstrapServers, double timeScale, PrintWriter progress) {
        this.bootstrapServers = bootstrapServers;
        this.timeScale = timeScale;
        this.progress = progress;
    }

    public void run(int requests, int fifoSample, Path report) throws Exception {
        Scenario scenario = Scenarios.bulk(requests, timeScale);
        progress.printf("Scenario bulk: %s%n", scenario.title());
        SortedScript.Run script = SortedScript.run(scenario);
        progress.printf("  sort-by-model script: %d loads, %.1f s%n", script.loads(), seconds(script));
        Figures dmap = Figures.of(new BenchRunner(bootstrapServers, progress).run(scenario, SchedulingSettings.Strategy.AFFINITY),
                scenario.timings().slots());
        progress.printf("  dmap: %d loads, %.1f s%n", dmap.loads(), dmap.makespan());
        Scenario sample = new Scenario(scenario.name(), scenario.title(), 1,
                scenario.requests().subList(0, Math.min(fifoSample, requests)), scenario.timings(), scenario.maxWait(),
                scenario.minHold(), scenario.loadCost(), timeScale, fifoSample);
        Figures fifo = Figures.of(new BenchRunner(bootstrapServers, progress).run(sample, SchedulingSettings.Strategy.FIFO),
                scenario.timings().slots());
        progress.printf("  FIFO on %d requests: %d loads, %.1f s%n", sample.requests().size(), fifo.loads(), fifo.makespan());
        write(report, scenario, script, dmap, fifo, sample.requests().size());
    }

    private void write(Path report, Scenario scenario, SortedScript.Run script, Figures dmap, Figures fifo, int sampled)
            throws IOException {
        int total = scenario.requests().size();
        int models = scenario.models().size();
        double scriptSeconds = seconds(script);
        double fifoExtrapolated = fifo.makespan() * total / sampled;
        Scenario.Timings t = scenario.timings();
        StringBuilder text = new StringBuilder("## Scenario bulk: one large file, three ways\n\n")
                .append(String.format(Locale.ROOT, "Reproduce: `./dmap bench bulk --time-scale %s --requests %d` "
                        + "(LM Studio **emulator**, time scale %s: real seconds per emulated second; %d cores).%n%n",
                        timeScale, total, timeScale, Runtime.getRuntime().availableProcessors()))
                .append(String.format(Locale.ROOT, "%s, submitted as one batch before the worker starts (no window: 24 h). "
                        + "Emulated GPU: %d s loads, %d slots, %d tokens a request at %.0f tokens/s; dmap's unload cooldown "
                        + "%d s, online bound (max-wait) %d s, all scaled. The yardstick is what a careful user's offline "
                        + "script does: read the file, sort it by model, load each model once, keep every slot busy, "
                        + "straight over HTTP (no Kafka, no cooldown).%n%n", scenario.title(), t.load().toSeconds(),
                        t.slots(), t.maxTokens(), t.decodeTps(), t.cooldown().toSeconds(), scenario.maxWait().toSeconds()))
                .append("| way | requests run | makespan | model loads | × the script |\n|---|---|---|---|---|\n")
                .append(String.format(Locale.ROOT, "| sort-by-model script | %d | %.1f s | %d | 1.00 |%n", total, scriptSeconds,
                        script.loads()))
                .append(String.format(Locale.ROOT, "| dmap (affinity, by deadline) | %d | %.1f s | %d | **%.2f** |%n", total,
                        dmap.makespan(), dmap.loads(), dmap.makespan() / scriptSeconds))
                .append(String.format(Locale.ROOT, "| FIFO | first %d | %.1f s (%.0f s extrapolated to %d) | %d | %.1f "
                        + "(extrapolated) |%n%n", sampled, fifo.makespan(), fifoExtrapolated, total, fifo.loads(),
                        fifoExtrapolated / scriptSeconds))
                .append(String.format(Locale.ROOT, "Target: dmap's makespan ≤ 1.05 × the script's with exactly M = %d loads: "
                        + "**%s** (%.2f×, %d loads). dmap pays what the script does not: %d unload cooldowns of %.1f s real, "
                        + "Kafka and a transaction per result.%n", models,
                        dmap.makespan() <= 1.05 * scriptSeconds && dmap.loads() == models ? "met" : "missed",
                        dmap.makespan() / scriptSeconds, dmap.loads(), models - 1, t.cooldown().toMillis() * timeScale / 1000));
        SECTION.write(report, text.toString());
    }

    private static double seconds(SortedScript.Run run) {
        return run.makespan().toNanos() / 1e9;
    }
}
