package dev.dmap.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes the scheduling benchmark into docs/benchmarks.md, between its markers, so the other
 * benchmarks' sections stay as they are.
 */
final class BenchReport {
    private static final ReportSection SECTION = new ReportSection("scheduling-benchmark");

    private final StringBuilder text = new StringBuilder();

    void header(double timeScale, String command, String machine) {
        text.append("## Model-aware scheduling against FIFO\n\n")
                .append("Reproduce: `").append(command).append("` (").append(machine).append(").\n\n")
                .append("Both strategies run each scenario in the same run, one after the other, on one local ")
                .append("Kafka broker, with one LM Studio emulator per worker (one GPU each, room for one model). ")
                .append("Emulated hardware: model load 2 s, unload cooldown 3 s, about 50 ms per request, 4 parallel ")
                .append("slots. Times are scaled by ").append(fmt(timeScale)).append(" (1 emulated second = ")
                .append(fmt(timeScale)).append(" s); the worker's cooldown, max-wait, min-hold and batch window are scaled ")
                .append("the same way. The file-like scenarios' requests belong to one batch submitted without a window ")
                .append("(their deadline: 24 h), the trickle of c is online (its deadline: max-wait). FIFO swaps on nearly ")
                .append("every request, so it runs on the first requests of a and b only (the column says how many). ")
                .append("Tables give real seconds and, in brackets, full-scale seconds.\n\n")
                .append("- **lower bound**: every model loaded once on some worker, plus the cooldowns a one-model GPU ")
                .append("cannot avoid, plus the work divided by all slots: `(M x load + max(0, M - W) x cooldown + ")
                .append("N x service / slots) / W` for M models, W workers, N requests, with the mean service time ")
                .append("measured under affinity.\n")
                .append("- **makespan**: from the first request's start to the last result.\n")
                .append("- **latency** and **longest wait** count from submission (the start of its backend call, for the ")
                .append("wait). In a and b every request is submitted before the workers start, so they include the ")
                .append("workers' start-up and group join (about 2 s).\n")
                .append("- **utilization**: slot time spent in backend calls / (slots x makespan).\n")
                .append("- **longest idle with backlog**: the longest time a worker served nothing while requests waited.\n\n");
    }

    void scenario(Scenario scenario, List<Figures> figures, Double lowerBound, String chart, List<String> verdicts) {
        double s = scenario.timeScale();
        text.append("### Scenario ").append(scenario.name()).append(": ").append(scenario.title()).append("\n\n")
                .append(String.format(Locale.ROOT, "%,d requests (the scenario describes %,d)", scenario.requests().size(),
                        scenario.fullSize()))
                .append(lowerBound == null ? "" : String.format(Locale.ROOT, "; lower bound %.2f s (%.1f s)", lowerBound,
                        lowerBound / s)).append(".\n\n")
                .append("| | ").append(figures.stream().map(Figures::strategy).collect(Collectors.joining(" | ")))
                .append(" |\n|---|").append("---|".repeat(figures.size())).append("\n");
        row("model loads", figures, f -> String.valueOf(f.loads()));
        row("makespan", figures, f -> String.format(Locale.ROOT, "%.2f s (%.0f s)", f.makespan(), f.makespan() / s));
        if (lowerBound != null) {
            row("throughput vs ideal", figures, f -> String.format(Locale.ROOT, "%.0f%%", 100 * lowerBound / f.makespan()));
        }
        row("latency p50 / p95 / p99", figures, f -> String.format(Locale.ROOT, "%.2f / %.2f / %.2f s", f.p50(), f.p95(), f.p99()));
        row("longest wait", figures, f -> String.format(Locale.ROOT, "%.2f s (%.1f s)", f.longestWait(), f.longestWait() / s));
        if (scenario.name().equals("c")) {
            String trickle = Scenarios.MODELS.get(1);
            row("longest wait of the trickle model", figures, f -> String.format(Locale.ROOT, "%.2f s (%.1f s)",
                    f.waitByModel().getOrDefault(trickle, 0.0), f.waitByModel().getOrDefault(trickle, 0.0) / s));
        }
        row("utilization per worker", figures, f -> perWorker(f.utilization(), v -> String.format(Locale.ROOT, "%.0f%%", 100 * v)));
        row("longest idle with backlog", figures, f -> perWorker(f.longestIdleWithWork(),
                v -> String.format(Locale.ROOT, "%.2f s", v)));
        row("dead letters", figures, f -> String.valueOf(f.deadLetters()));
        text.append("\n");
        verdicts.forEach(verdict -> text.append("- ").append(verdict).append("\n"));
        text.append("\n![Backlog per model over time, ").append(scenario.name()).append("](").append(chart).append(")\n\n");
    }

    private void row(String name, List<Figures> figures, java.util.function.Function<Figures, String> cell) {
        text.append("| ").append(name).append(" | ")
                .append(figures.stream().map(cell).collect(Collectors.joining(" | "))).append(" |\n");
    }

    private static String perWorker(Map<String, Double> values, java.util.function.DoubleFunction<String> format) {
        return values.entrySet().stream().map(e -> e.getKey() + " " + format.apply(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** Replaces this benchmark's section of the file (or appends it), keeping everything else. */
    void writeInto(Path file) throws IOException {
        SECTION.write(file, text.toString());
    }

    static String fmt(double value) {
        return String.format(Locale.ROOT, "%s", value);
    }
}
