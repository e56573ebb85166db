package dev.dmap.local.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Every request of a run, one CSV line each, in seconds since the first submit. */
final class RawCsv {
    private RawCsv() {
    }

    static void write(Path file, RunResult run) throws IOException {
        Files.createDirectories(file.getParent());
        Instant origin = run.measurements().stream().map(Measurement::submitted).min(java.util.Comparator.naturalOrder())
                .orElseThrow();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("custom_id,model,worker,submitted_s,started_s,call_start_s,completed_s,backend_ms");
            run.measurements().stream().sorted(java.util.Comparator.comparing(Measurement::started)).forEach(m ->
                    out.printf(java.util.Locale.ROOT, "%s,%s,%s,%.4f,%.4f,%.4f,%.4f,%d%n", m.customId(), m.model(), m.worker(),
                            Figures.seconds(origin, m.submitted()), Figures.seconds(origin, m.started()),
                            Figures.seconds(origin, m.callStart()), Figures.seconds(origin, m.completed()), m.backendMs()));
        }
    }
}
