package dev.dmap.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

class RawCsvTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void shouldQuoteACustomIdWithACommaAndAQuoteSoThatTheRowReadsBack(@TempDir Path dir) throws Exception {
        Measurement tricky = new Measurement("q,1 \"big\"", "m1", "w1", T0, T0.plusMillis(500), T0.plusMillis(600),
                T0.plusSeconds(2), 1400);
        Path file = dir.resolve("raw/run.csv");

        RawCsv.write(file, new RunResult("affinity", List.of(tricky), Map.of("w1", 1), T0, 0));

        try (MappingIterator<Map<String, String>> rows = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(Files.readString(file))) {
            Map<String, String> row = rows.next();
            assertThat(row).containsEntry("custom_id", "q,1 \"big\"").containsEntry("model", "m1")
                    .containsEntry("completed_s", "2.0").containsEntry("backend_ms", "1400");
            assertThat(rows.hasNext()).isFalse();
        }
    }
}
