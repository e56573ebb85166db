package dev.dmap.bench;

import dev.dmap.worker.config.SchedulingSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The same work on 1, 2 and 4 workers, each with its own emulated GPU: the speed-up per worker
 * count, and each worker's slot occupancy (on a small machine the workers share its cores, and the
 * occupancy shows whether the GPUs or the machine were the limit).
 */
public final class ScaleOutBenchmark {
    private static final ReportSection SECTION = new ReportSection("scale-out-benchmark");
    private static final List<Integer> WORKERS = List.of(1, 2, 4);

    private final String bootstrapServers;
    private final double timeScale;
    private final PrintWriter progress;

    public ScaleOutBenchmark(String bootstrapServers, double timeScale, PrintWriter progress) {
        this.bootstrapServers = bootstrapServers;
        this.timeScale = timeScale;
        this.progress = progress;
    }

    public void run(int requests, Path report) throws Exception {
        Scenario base = Scenarios.scaleOut(requests, timeScale);
        List<Figures> runs = new ArrayList<>();
        for (int workers : WORKERS) {
            Scenario scenario = base.withWorkers(workers, "scale-out-" + workers);
            progress.printf("Scale-out: %d worker(s), %d requests%n", workers, requests);
            Figures figures = Figures.of(new BenchRunner(bootstrapServers, progress).run(scenario,
                    SchedulingSettings.Strategy.AFFINITY), scenario.timings().slots());
            progress.printf("  %d loads, makespan %.2f s%n", figures.loads(), figures.makespan());
            runs.add(figures);
        }
        write(report, base, runs);
    }

    private void write(Path report, Scenario base, List<Figures> runs) throws IOException {
        double one = runs.get(0).makespan();
        StringBuilder text = new StringBuilder("## Scale-out: the same work on 1, 2 and 4 workers\n\n")
                .append(String.format(Locale.ROOT, "Reproduce: `./dmap bench scale-out --time-scale %s --requests %d` "
                        + "(LM Studio **emulator**, one per worker, room for one model; %d cores shared by the broker, "
                        + "every worker and every emulator).%n%n", timeScale, base.requests().size(),
                        Runtime.getRuntime().availableProcessors()))
                .append(String.format(Locale.ROOT, "%s, submitted as one batch before the workers start; %d s loads, "
                        + "%d slots, about %.0f ms a request (full scale).%n%n", base.title(),
                        base.timings().load().toSeconds(), base.timings().slots(),
                        base.timings().overhead().toMillis() + 1000.0 * base.timings().maxTokens() / base.timings().decodeTps()))
                .append("| workers | makespan | speed-up | model loads | slot occupancy per worker |\n|---|---|---|---|---|\n");
        for (int i = 0; i < runs.size(); i++) {
            Figures f = runs.get(i);
            text.append(String.format(Locale.ROOT, "| %d | %.2f s | %.2f× | %d | %s |%n", WORKERS.get(i), f.makespan(),
                    one / f.makespan(), f.loads(), occupancy(f)));
        }
        double fourfold = one / runs.get(runs.size() - 1).makespan();
        text.append(String.format(Locale.ROOT, "%nTarget: 1 → 4 workers ≥ 3.6× where the machine is not the bottleneck: "
                + "**%s** (%.2f×).", fourfold >= 3.6 ? "met" : "missed", fourfold));
        if (fourfold < 3.6) {
            text.append(" Four workers, four emulators and the broker share this machine's ")
                    .append(Runtime.getRuntime().availableProcessors())
                    .append(" cores; where each worker's slot occupancy falls as workers are added, the cores, not the "
                            + "GPUs or the scheduling, were the limit.");
        }
        text.append("\n");
        SECTION.write(report, text.toString());
    }

    private static String occupancy(Figures figures) {
        return figures.utilization().entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100 * e.getValue()))
                .reduce((a, b) -> a + ", " + b).orElse("–");
    }
}
