package dev.dmap.bench;

import dev.dmap.worker.config.SchedulingSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Runs the scheduling scenarios with FIFO and affinity, then writes the report and charts. */
public final class SchedulingBenchmark {
    private final String bootstrapServers;
    private final double timeScale;
    private final double size;
    private final PrintWriter progress;
    private final Path rawDir;
    private final int fifoSample;

    /**
     * @param rawDir     where to write every request's timings as CSV, or null
     * @param fifoSample FIFO swaps on nearly every request: it runs on at most this many requests
     *                   of a scenario (the first ones), and its figures say so
     */
    public SchedulingBenchmark(String bootstrapServers, double timeScale, double size, PrintWriter progress, Path rawDir,
            int fifoSample) {
        this.fifoSample = fifoSample;
        this.bootstrapServers = bootstrapServers;
        this.timeScale = timeScale;
        this.size = size;
        this.progress = progress;
        this.rawDir = rawDir;
    }

    public void run(List<String> names, List<String> strategies, Path report) throws Exception {
        BenchReport text = new BenchReport();
        text.header(timeScale, String.format(Locale.ROOT, "./dmap bench %s --time-scale %s --size %s",
                String.join(",", names), timeScale, size), machine());
        for (String name : names) {
            Scenario scenario = switch (name) {
                case "a" -> Scenarios.a(size, timeScale);
                case "b" -> Scenarios.b(size, timeScale);
                case "c" -> Scenarios.c(timeScale);
                case "a-arriving" -> arriving(Scenarios.a(size, timeScale));
                case "b-arriving" -> arriving(Scenarios.b(size, timeScale));
                default -> throw new IllegalArgumentException("unknown scenario " + name
                        + " (a, b, c, a-arriving, b-arriving, bulk, overhead, real-engine)");
            };
            runScenario(scenario, strategies, report, text);
            text.writeInto(report); // each scenario's figures are kept even if a later one fails
        }
        text.writeInto(report);
    }

    private void runScenario(Scenario scenario, List<String> strategies, Path report, BenchReport text) throws Exception {
        progress.printf("Scenario %s: %s (%d requests)%n", scenario.name(), scenario.title(), scenario.requests().size());
        List<RunResult> runs = new ArrayList<>();
        List<Figures> figures = new ArrayList<>();
        for (String strategyName : strategies) {
            SchedulingSettings.Strategy strategy = SchedulingSettings.Strategy.valueOf(strategyName.toUpperCase(Locale.ROOT));
            long started = System.nanoTime();
            // c's trickle arrives late in the run: FIFO serves c whole
            boolean sampled = strategy == SchedulingSettings.Strategy.FIFO && !scenario.name().equals("c")
                    && scenario.requests().size() > fifoSample;
            Scenario ran = sampled ? scenario.firstRequests(fifoSample) : scenario;
            RunResult run = new BenchRunner(bootstrapServers, progress).run(ran, strategy);
            runs.add(run);
            if (rawDir != null) {
                RawCsv.write(rawDir.resolve(scenario.name() + "-" + run.strategy() + ".csv"), run);
            }
            Figures f = Figures.of(run, scenario.timings().slots());
            if (sampled) {
                f = f.labelled(String.format(Locale.ROOT, "%s (first %,d)", f.strategy(), fifoSample));
            }
            figures.add(f);
            progress.printf("  %s: %d loads, makespan %.2f s, longest wait %.2f s (run took %.0f s)%n", f.strategy(),
                    f.loads(), f.makespan(), f.longestWait(), (System.nanoTime() - started) / 1e9);
        }
        Double bound = scenario.name().equals("c") ? null : lowerBound(scenario, figures.get(figures.size() - 1));
        String chart = "bench-" + scenario.name() + ".png";
        BacklogChart.write(report.resolveSibling(chart), "Scenario " + scenario.name(), runs);
        text.scenario(scenario, figures, bound, chart, Targets.verdicts(scenario, figures, bound));
    }

    /**
     * The scenario's requests arriving evenly over half the time its work takes on all its slots
     * (full scale), so the workers start with little and the backlog builds while they run.
     */
    private static Scenario arriving(Scenario scenario) {
        Scenario.Timings t = scenario.timings();
        double perRequestMs = t.overhead().toMillis() + 1000.0 * t.maxTokens() / t.decodeTps() + 10;
        long workMs = (long) (scenario.requests().size() * perRequestMs / t.slots() / scenario.workers());
        return scenario.arriving(java.time.Duration.ofMillis(workMs / 2));
    }

    /** Every model loaded once, the unavoidable cooldowns, and the work over all slots, in real seconds. */
    static double lowerBound(Scenario scenario, Figures affinity) {
        int models = scenario.models().size();
        int workers = scenario.workers();
        Scenario.Timings t = scenario.timings();
        double loads = (models * t.load().toMillis() + Math.max(0, models - workers) * t.cooldown().toMillis())
                / 1000.0 * scenario.timeScale();
        double work = scenario.requests().size() * affinity.meanServiceMs() / 1000.0 / t.slots();
        return (loads + work) / workers;
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version");
    }
}
