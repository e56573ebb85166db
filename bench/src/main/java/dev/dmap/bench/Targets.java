package dev.dmap.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Checks each scenario's targets against what was measured, for the report. Never used in tests. */
final class Targets {
    private Targets() {
    }

    static List<String> verdicts(Scenario scenario, List<Figures> figures, Double bound) {
        if (figures.size() < 2) {
            return List.of("Only one strategy ran: no comparison.");
        }
        Figures fifo = figures.get(0);
        Figures affinity = figures.get(figures.size() - 1);
        List<String> verdicts = new ArrayList<>();
        int models = scenario.models().size();
        switch (scenario.name().replace("-arriving", "")) {
            case "a" -> {
                int expectedFifo = (int) Math.round(fifo.requests() * (1 - 1.0 / models));
                verdicts.add(String.format(Locale.ROOT, "Target: affinity loads each model once, M = %d loads: **%s** (%d); "
                        + "FIFO used %d on its %d requests, against R(1-1/M) = %d.", models, mark(affinity.loads() == models),
                        affinity.loads(), fifo.loads(), fifo.requests(), expectedFifo));
                verdicts.add(String.format(Locale.ROOT, "Target: affinity's makespan ≤ 1.05 × the lower bound: "
                        + "**%s** (%.2f×).", mark(affinity.makespan() <= 1.05 * bound), affinity.makespan() / bound));
            }
            case "b" -> {
                verdicts.add(String.format(Locale.ROOT, "Target: makespan ≤ 1.15 × the lower bound: **%s** (%.2f×).",
                        mark(affinity.makespan() <= 1.15 * bound), affinity.makespan() / bound));
                double idle = affinity.longestIdleWithWork().values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
                double load = scenario.timings().load().toMillis() / 1000.0;
                verdicts.add(String.format(Locale.ROOT, "Target: no GPU idles longer than one load (%.0f s full scale) "
                        + "while requests wait: longest %.2f s real = %.1f s full scale: **%s**.", load, idle,
                        idle / scenario.timeScale(), mark(idle / scenario.timeScale() <= load)));
            }
            case "c" -> {
                double bound0 = (scenario.maxWait().toMillis() + scenario.timings().load().toMillis())
                        / 1000.0 * scenario.timeScale();
                double wait = affinity.waitByModel().getOrDefault(Scenarios.MODELS.get(1), 0.0);
                verdicts.add(String.format(Locale.ROOT, "Target: the trickle model's longest wait is at most its online bound "
                        + "(max-wait) plus one load time = %.2f s (%.0f s full scale): **%s** (%.2f s; FIFO %.2f s).",
                        bound0, bound0 / scenario.timeScale(), mark(wait <= bound0), wait,
                        fifo.waitByModel().getOrDefault(Scenarios.MODELS.get(1), 0.0)));
            }
            default -> {
            }
        }
        return verdicts;
    }

    private static String mark(boolean met) {
        return met ? "met" : "missed";
    }
}
