package dev.dmap.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OutputFilesTest {
    @Test
    void shouldPutTheErrorFileBesideTheOutput() {
        assertThat(OutputFiles.beside(Path.of("out/results.jsonl"), null).errors()).isEqualTo(Path.of("out/results.errors.jsonl"));
        assertThat(OutputFiles.beside(Path.of("results"), null).errors()).isEqualTo(Path.of("results.errors.jsonl"));
        assertThat(OutputFiles.beside(Path.of("r.jsonl"), Path.of("e.jsonl")).errors()).isEqualTo(Path.of("e.jsonl"));
    }
}
