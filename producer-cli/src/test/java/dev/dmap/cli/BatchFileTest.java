package dev.dmap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchFileTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadValidLinesAndCountThemPerModel() throws Exception {
        Path file = write("""
                {"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"m1","messages":[{"role":"user","content":"x"}]}}

                {"custom_id":"b","method":"POST","url":"/v1/embeddings","body":{"model":"m2","input":"x"}}
                {"custom_id":"c","method":"POST","url":"/v1/chat/completions","body":{"model":"m1","messages":[{"role":"user","content":"y"}]}}
                """);
        BatchFile batch = BatchFile.read(file);
        assertThat(batch.isValid()).isTrue();
        assertThat(batch.requests()).extracting(r -> r.customId()).containsExactly("a", "b", "c");
        assertThat(batch.countsByModel()).containsExactly(java.util.Map.entry("m1", 2L), java.util.Map.entry("m2", 1L));
    }

    @Test
    void shouldListEveryProblemWithItsLineAndField() throws Exception {
        Path file = write("""
                {"custom_id":"a","url":"/v1/chat/completions","body":{"model":"m1","messages":[{"role":"user","content":"x"}]}}
                {"custom_id":"b","url":"/v1/chat/completions","body":{"messages":[]}}
                not json
                {"custom_id":"a","url":"/v1/chat/completions","body":{"model":"m1","messages":[{"role":"user","content":"x"}]}}
                """);
        BatchFile batch = BatchFile.read(file);
        assertThat(batch.isValid()).isFalse();
        assertThat(batch.problems()).extracting(p -> p.describe(file))
                .contains("batch.jsonl:2: /body/model: required field is missing")
                .anyMatch(text -> text.startsWith("batch.jsonl:2: /body/messages:"))
                .anyMatch(text -> text.startsWith("batch.jsonl:3: not valid JSON"))
                .contains("batch.jsonl:4: /custom_id: duplicate custom_id \"a\" (first on line 1)");
    }

    @Test
    void shouldRefuseAnEmptyFile() throws Exception {
        assertThat(BatchFile.read(write("\n\n")).problems()).extracting(BatchFile.Problem::message)
                .containsExactly("the file has no requests");
    }

    @Test
    void shouldSayWhenTheFileDoesNotExist() {
        assertThatThrownBy(() -> BatchFile.read(dir.resolve("missing.jsonl")))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT))
                .hasMessageContaining("missing.jsonl");
    }

    private Path write(String content) throws Exception {
        return Files.writeString(dir.resolve("batch.jsonl"), content);
    }
}
