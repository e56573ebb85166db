package dev.dmap.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import tools.jackson.databind.SequenceWriter;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/** Every request of a run, one CSV row each (quoted where a value needs it), in seconds since the first submit. */
final class RawCsv {
    private static final CsvSchema SCHEMA = CsvSchema.builder()
            .addColumn("custom_id").addColumn("model").addColumn("worker")
            .addNumberColumn("submitted_s").addNumberColumn("started_s").addNumberColumn("call_start_s")
            .addNumberColumn("completed_s").addNumberColumn("backend_ms")
            .build().withHeader();
    private static final CsvMapper CSV = new CsvMapper();

    private RawCsv() {
    }

    static void write(Path file, RunResult run) throws IOException {
        Files.createDirectories(file.getParent());
        Instant origin = run.measurements().stream().map(Measurement::submitted).min(Comparator.naturalOrder())
                .orElseThrow();
        try (Writer out = Files.newBufferedWriter(file);
                SequenceWriter rows = CSV.writer(SCHEMA).writeValues(out)) {
            for (Measurement m : run.measurements().stream().sorted(Comparator.comparing(Measurement::started)).toList()) {
                rows.write(List.of(m.customId(), m.model(), m.worker(), Figures.seconds(origin, m.submitted()),
                        Figures.seconds(origin, m.started()), Figures.seconds(origin, m.callStart()),
                        Figures.seconds(origin, m.completed()), m.backendMs()));
            }
        }
    }
}
