package dev.dmap.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
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
        assertThat(requests(batch)).extracting(r -> r.customId()).containsExactly("a", "b", "c");
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
                .isInstanceOf(ClientException.InvalidInput.class)
                .hasMessageContaining("missing.jsonl");
    }

    @Test
    void shouldAcceptAFileThatStartsWithAUtf8ByteOrderMark() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        Path file = writeBytes(concat(bom, (line("a", "x") + "\r\n" + line("b", "y") + "\r\n").getBytes(StandardCharsets.UTF_8)));

        BatchFile batch = BatchFile.read(file);

        assertThat(batch.problems()).isEmpty();
        assertThat(requests(batch)).extracting(r -> r.customId()).containsExactly("a", "b");
    }

    @Test
    void shouldReportInvalidUtf8WithItsLineNumberAndGoOnWithTheOtherLines() throws Exception {
        byte[] bad = concat((line("a", "x") + "\n{\"custom_id\":\"b\",\"x\":\"").getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xC3, (byte) 0x28}, ("\"}\n" + line("c", "y") + "\nnot json\n").getBytes(StandardCharsets.UTF_8));
        Path file = writeBytes(bad);

        BatchFile batch = BatchFile.read(file);

        assertThat(batch.problems()).extracting(p -> p.describe(file))
                .anyMatch(text -> text.startsWith("batch.jsonl:2: not valid UTF-8 (byte 23 of the line)"))
                .anyMatch(text -> text.startsWith("batch.jsonl:4: not valid JSON"))
                .hasSize(2);
    }

    @Test
    void shouldSaySoWhenTheFileIsUtf16() throws Exception {
        Path file = writeBytes(concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, line("a", "x").getBytes(StandardCharsets.UTF_16LE)));

        assertThat(BatchFile.read(file).problems()).extracting(BatchFile.Problem::message)
                .containsExactly("the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8");
    }

    @Test
    void shouldRefuseALineOverTheSizeLimitWithItsLineAndSize() throws Exception {
        String big = line("big", "x".repeat(5 * 1024 * 1024));
        Path file = write(line("a", "x") + "\n" + big + "\n");

        BatchFile batch = BatchFile.read(file);

        assertThat(requests(batch)).extracting(r -> r.customId()).containsExactly("a");
        assertThat(batch.problems()).extracting(p -> p.describe(file)).containsExactly("batch.jsonl:2: the line is "
                + big.length() + " bytes; the limit is 4194304 bytes");
        assertThat(batch.problems()).extracting(BatchFile.Problem::kind).containsExactly(BatchFile.Kind.OVER_SIZE_LIMIT);
    }

    @Test
    void shouldAcceptATwoMebibyteLineUnderTheDefaultLimit() throws Exception {
        Path file = write(line("two-mib", "x".repeat(2 * 1024 * 1024)) + "\n");

        BatchFile batch = BatchFile.read(file);

        assertThat(batch.problems()).isEmpty();
        assertThat(requests(batch)).hasSize(1);
        assertThat(batch.total()).isEqualTo(1);
    }

    @Test
    void shouldRefuseALineThatFitsTheLimitOnlyWithoutTheFieldsSubmitAdds() throws Exception {
        String line = line("edge", "x".repeat(1000));
        Path file = write(line + "\n");

        BatchFile batch = BatchFile.read(file, line.length() + 10);

        assertThat(batch.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(1);
            assertThat(problem.message()).contains("as published (with the fields submit adds)")
                    .endsWith("the limit is " + (line.length() + 10) + " bytes");
            assertThat(problem.kind()).isEqualTo(BatchFile.Kind.OVER_SIZE_LIMIT);
        });
    }

    private static String line(String customId, String content) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}}";
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private Path writeBytes(byte[] content) throws Exception {
        return Files.write(dir.resolve("batch.jsonl"), content);
    }

    private Path write(String content) throws Exception {
        return Files.writeString(dir.resolve("batch.jsonl"), content);
    }

    @Test
    void shouldRefuseToPublishAFileThatChangedAfterItWasValidated() throws Exception {
        Path file = write("""
                {"custom_id":"a","url":"/v1/embeddings","body":{"model":"m","input":"x"}}
                """);
        BatchFile batch = BatchFile.read(file);
        Files.writeString(file, "{\"custom_id\":\"a\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"m\",\"input\":\"x\"}}\n"
                + "{\"custom_id\":\"b\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"m\",\"input\":\"y\"}}\n");

        assertThatThrownBy(() -> batch.forEachRequest(request -> { }))
                .isInstanceOf(ClientException.InvalidInput.class)
                .hasMessageContaining("changed while it was being submitted").hasMessageContaining("2 requests, not 1");
    }

    @Test
    void shouldKeepTheFirstProblemsAndCountTheRestSoThatABadFileTakesBoundedMemory() throws Exception {
        Path file = dir.resolve("empty-objects.jsonl");
        Files.write(file, java.util.Collections.nCopies(200_000, "{}"));

        BatchFile batch = BatchFile.read(file);

        assertThat(batch.isValid()).isFalse();
        assertThat(batch.problems()).hasSize(BatchFile.MAX_PROBLEMS_KEPT);
        assertThat(batch.problemCount()).isEqualTo(3 * 200_000); // custom_id, url and body missing on every line
        assertThat(batch.problems().get(0).line()).isEqualTo(1);
    }

    @Test
    void shouldStopAtTheFirstLinePastTheLimitOfLines() throws Exception {
        Path file = write(line("a", "x") + "\n" + line("b", "x") + "\n" + line("c", "x") + "\n");

        BatchFile batch = BatchFile.read(file, dev.dmap.schemas.Limits.DEFAULT_MAX_REQUEST_BYTES, 2);

        assertThat(batch.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.line()).isEqualTo(3);
            assertThat(problem.kind()).isEqualTo(BatchFile.Kind.TOO_MANY_LINES);
        });
    }

    private static java.util.List<dev.dmap.schemas.Request> requests(BatchFile batch) {
        java.util.List<dev.dmap.schemas.Request> requests = new java.util.ArrayList<>();
        batch.forEachRequest(requests::add);
        return requests;
    }
}
