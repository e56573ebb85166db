package dev.dmap.cli;

import dev.dmap.client.BatchEstimate;
import dev.dmap.client.Durations;
import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code dmap submit --estimate}: the per-model table of what a batch will ask of the fleet. */
final class EstimateTable {
    private static final String ROW = "%-40s %9s %14s %13s %12s %6s%n";

    private EstimateTable() {
    }

    static void print(PrintWriter out, Path file, BatchEstimate estimate) {
        out.printf("Estimate for %s (nothing published):%n", file);
        out.printf(ROW, "model", "requests", "prompt tokens", "mean service", "GPU time", "loads");
        for (BatchEstimate.ModelEstimate model : estimate.models()) {
            out.printf(ROW, model.model(), String.format("%,d", model.requests()), String.format("%,d", model.promptTokens()),
                    model.meanServiceTime() == null ? "-" : Durations.readable(model.meanServiceTime()),
                    model.gpuTime() == null ? "-" : Durations.readable(model.gpuTime()), model.loads());
        }
        out.printf(ROW, "total", String.format("%,d", estimate.requests()), String.format("%,d", estimate.promptTokens()), "",
                Durations.readable(estimate.gpuTime()) + (estimate.unmeasured().isEmpty() ? "" : " +"), estimate.loads());
        out.println("GPU time: requests x the fleet's recent mean backend time per request (slot time: a backend's parallel");
        out.println("slots share it). \"-\": the fleet has not served the model lately. loads: the model is not loaded on any live worker.");
        out.flush();
    }
}
