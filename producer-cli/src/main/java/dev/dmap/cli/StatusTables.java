package dev.dmap.cli;

import dev.dmap.client.FleetModels;
import dev.dmap.client.StatusReport;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.WorkerStatus;
import tools.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/** The readable and the JSON form of {@link StatusReport}. */
final class StatusTables {
    private StatusTables() {
    }

    static void print(PrintWriter out, StatusReport report) {
        out.println("BATCHES");
        out.printf("  %-36s %-12s %-16s %9s %9s %7s %9s %7s %9s %8s%n", "batch", "status", "outcome", "done", "total",
                "failed", "cached", "%", "req/s", "eta");
        for (StatusReport.BatchRow b : report.batches()) {
            out.printf("  %-36s %-12s %-16s %9d %9d %7d %9d %6.1f%% %9.1f %8s%n", b.batchId(), b.status(),
                    b.outcome() == null ? "-" : b.outcome(), b.completed() + b.failed(), b.total(), b.failed(),
                    b.state() == null ? 0 : b.state().cacheHits(), 100 * b.progress(), b.perSecond(), b.etaSeconds() == null ? "-" : b.etaSeconds() + "s");
        }
        if (report.batches().isEmpty()) {
            out.println("  (none)");
        }
        for (StatusReport.BatchRow b : report.batches()) {
            if (!b.published()) {
                out.printf("  %s is not fully published: a submit is running, or one stopped midway (nothing of it reached a "
                        + "worker). If none is running, finish it with: %s%n", b.batchId(), finishWith(b));
            }
        }
        out.println();
        out.println("MODELS");
        out.printf("  %-44s %9s  %-24s %-24s%n", "model", "backlog", "served by", "loaded on");
        for (StatusReport.ModelRow m : report.models()) {
            out.printf("  %-44s %9d  %-24s %-24s%n", m.model(), m.backlog(), list(m.servedBy()), list(m.loadedOn()));
        }
        out.println();
        out.println("WORKERS");
        out.printf("  %-20s %-9s %-10s %9s %9s %7s  %-24s %s%n", "worker", "strategy", "backend", "in flight", "waiting", "loads",
                "loaded", "window");
        for (WorkerStatus w : report.workers()) {
            if (w.stopped() != null) {
                out.printf("  %-20s STOPPED at %s: %s%n", w.workerId(), w.heartbeatAt(), w.stopped());
                continue;
            }
            out.printf("  %-20s %-9s %-10s %9d %9d %7d  %-24s %s%n", w.workerId(), w.strategy(), w.backendUp() ? "up" : "DOWN",
                    w.inFlight(), w.waiting(), w.modelLoads(), list(w.loadedModels()), FleetModels.windows(w));
        }
        if (report.workers().isEmpty()) {
            out.println("  (no worker reported in the last minute)");
        }
        out.flush();
    }

    /**
     * The command that publishes a batch whose requests are not all published (its submit stopped
     * midway, or is still running), or null when they are.
     */
    static String finishWith(StatusReport.BatchRow row) {
        if (row.published()) {
            return null;
        }
        return "dmap submit " + (row.inputFile() == null ? "FILE.jsonl" : row.inputFile()) + " --batch-id " + row.batchId();
    }

    /** The report as JSON, each batch with {@code finish_with}: the command that publishes it, or null. */
    static String json(StatusReport report) {
        ObjectNode json = (ObjectNode) MessageCodec.mapper().valueToTree(report);
        for (int i = 0; i < report.batches().size(); i++) {
            ObjectNode row = (ObjectNode) json.path("batches").get(i);
            row.remove("published");
            row.remove("input_file");
            row.put("finish_with", finishWith(report.batches().get(i)));
        }
        return MessageCodec.mapper().writeValueAsString(json);
    }

    private static String list(java.util.List<String> values) {
        return values.isEmpty() ? "-" : String.join(",", values);
    }
}
