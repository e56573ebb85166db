package dev.dmap.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The figures of one run, in real seconds: model loads, makespan, latency percentiles, the
 * longest wait, and per worker its slot utilization and its longest idle spell while requests
 * waited.
 *
 * @param strategy            {@code fifo} or {@code affinity}
 * @param loads               model loads over all GPUs
 * @param makespan            first work start to last completion
 * @param p50                 end-to-end latency (submit to result), 50th percentile
 * @param p95                 95th percentile
 * @param p99                 99th percentile
 * @param longestWait         longest time from submit to the start of a request's backend call
 * @param waitByModel         that, per model
 * @param utilization         per worker: busy slot time / (slots x makespan)
 * @param longestIdleWithWork per worker: longest time it had nothing in flight while requests waited
 * @param meanServiceMs       mean backend call time
 * @param deadLetters         failed requests
 */
record Figures(String strategy, int loads, double makespan, double p50, double p95, double p99, double longestWait,
        Map<String, Double> waitByModel, Map<String, Double> utilization, Map<String, Double> longestIdleWithWork,
        double meanServiceMs, int deadLetters, int requests) {

    /** The same figures under another name, e.g. saying that they were measured on a sample. */
    Figures labelled(String label) {
        return new Figures(label, loads, makespan, p50, p95, p99, longestWait, waitByModel, utilization, longestIdleWithWork,
                meanServiceMs, deadLetters, requests);
    }

    static Figures of(RunResult run, int slots) {
        List<Measurement> all = run.measurements();
        Instant first = all.stream().map(Measurement::started).min(Comparator.naturalOrder()).orElseThrow();
        Instant last = all.stream().map(Measurement::completed).max(Comparator.naturalOrder()).orElseThrow();
        double makespan = seconds(first, last);
        Latencies latencies = new Latencies();
        all.forEach(m -> latencies.add(seconds(m.submitted(), m.completed())));
        Map<String, Double> waitByModel = new TreeMap<>(all.stream().collect(Collectors.groupingBy(Measurement::model,
                Collectors.reducing(0.0, m -> seconds(m.submitted(), m.callStart()), Math::max))));
        Map<String, Double> utilization = new TreeMap<>();
        Map<String, Double> idle = new TreeMap<>();
        all.stream().map(Measurement::worker).distinct().forEach(worker -> {
            double busy = all.stream().filter(m -> m.worker().equals(worker)).mapToLong(Measurement::backendMs).sum() / 1000.0;
            utilization.put(worker, busy / (slots * makespan));
            idle.put(worker, longestIdleWithWork(all, worker, first, last));
        });
        double meanService = all.stream().mapToLong(Measurement::backendMs).average().orElse(0);
        return new Figures(run.strategy(), run.loads(), makespan, latencies.percentile(50), latencies.percentile(95),
                latencies.percentile(99), waitByModel.values().stream().mapToDouble(Double::doubleValue).max().orElse(0),
                waitByModel, utilization, idle, meanService, run.deadLetters(), all.size());
    }

    /** Sweeps the run in small steps: the longest stretch where the worker serves nothing while some request waits. */
    private static double longestIdleWithWork(List<Measurement> all, String worker, Instant first, Instant last) {
        long steps = 4000;
        long span = Duration.between(first, last).toNanos();
        List<Measurement> mine = all.stream().filter(m -> m.worker().equals(worker)).toList();
        double longest = 0;
        double current = 0;
        for (long i = 0; i <= steps; i++) {
            Instant t = first.plusNanos(span * i / steps);
            boolean busy = mine.stream().anyMatch(m -> !m.started().isAfter(t) && m.completed().isAfter(t));
            boolean waiting = all.stream().anyMatch(m -> !m.submitted().isAfter(t) && m.started().isAfter(t));
            current = !busy && waiting ? current + span / 1e9 / steps : 0;
            longest = Math.max(longest, current);
        }
        return longest;
    }

    /** Requests waiting or in flight per model, sampled over the run, for the chart. */
    static Map<String, List<double[]>> backlogSeries(RunResult run, int points) {
        List<Measurement> all = run.measurements();
        Instant origin = all.stream().map(Measurement::submitted).min(Comparator.naturalOrder()).orElseThrow();
        Instant end = all.stream().map(Measurement::completed).max(Comparator.naturalOrder()).orElseThrow();
        long span = Duration.between(origin, end).toNanos();
        Map<String, List<double[]>> series = new TreeMap<>();
        all.stream().map(Measurement::model).distinct().forEach(model -> {
            List<Measurement> mine = all.stream().filter(m -> m.model().equals(model)).toList();
            List<double[]> curve = new ArrayList<>();
            for (int i = 0; i <= points; i++) {
                Instant t = origin.plusNanos(span * i / points);
                long pending = mine.stream().filter(m -> !m.submitted().isAfter(t) && m.completed().isAfter(t)).count();
                curve.add(new double[] {span * (double) i / points / 1e9, pending});
            }
            series.put(model, curve);
        });
        return series;
    }

    static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }
}
