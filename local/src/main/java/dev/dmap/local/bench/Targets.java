package dev.dmap.local.bench;

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
        switch (scenario.name()) {
            case "a" -> {
                int expectedFifo = (int) Math.round(scenario.requests().size() * (1 - 1.0 / models));
                verdicts.add(String.format(Locale.ROOT, "Target: affinity uses at most M+1 = %d loads: **%s** (%d); "
                        + "FIFO used %d, against R(1-1/M) = %d.", models + 1, mark(affinity.loads() <= models + 1),
                        affinity.loads(), fifo.loads(), expectedFifo));
                verdicts.add(String.format(Locale.ROOT, "Target: affinity's makespan within 10%% of the lower bound: "
                        + "**%s** (%.0f%% above).", mark(affinity.makespan() <= 1.10 * bound),
                        100 * (affinity.makespan() / bound - 1)));
            }
            case "b" -> {
                verdicts.add(String.format(Locale.ROOT, "Target: makespan within 25%% of the lower bound: **%s** "
                        + "(%.0f%% above).", mark(affinity.makespan() <= 1.25 * bound), 100 * (affinity.makespan() / bound - 1)));
                double idle = affinity.longestIdleWithWork().values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
                verdicts.add(String.format(Locale.ROOT, "Target: no worker idles more than a few seconds (full scale) "
                        + "while requests wait: longest %.2f s real = %.1f s full scale: **%s**.", idle,
                        idle / scenario.timeScale(), mark(idle / scenario.timeScale() <= 5)));
            }
            case "c" -> {
                double bound0 = (scenario.maxWait().toMillis() + scenario.timings().load().toMillis())
                        / 1000.0 * scenario.timeScale();
                double wait = affinity.waitByModel().getOrDefault(Scenarios.MODELS.get(1), 0.0);
                verdicts.add(String.format(Locale.ROOT, "Target: the trickle model's longest wait is at most max-wait "
                        + "plus one load time = %.2f s (%.0f s full scale): **%s** (%.2f s; FIFO %.2f s).",
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
