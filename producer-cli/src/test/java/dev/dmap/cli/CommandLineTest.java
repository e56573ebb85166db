package dev.dmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands as a user runs them, through picocli's {@code CommandLine.execute} with captured
 * output: every path that ends before Kafka is needed (bad input, bad options), so no broker.
 * Paths that reach Kafka are covered by SubmitIT, CommandsIT and UnreachableKafkaIT.
 */
class CommandLineTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldRefuseAFileWithBadLinesNamingEachLineAndFieldAndPublishNothing() throws IOException {
        Path file = dir.resolve("batch.jsonl");
        Files.writeString(file, """
                {"custom_id":"ok","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"Hi"}]}}
                {"custom_id":"no-model","method":"POST","url":"/v1/chat/completions","body":{"messages":[{"role":"user","content":"Hi"}]}}
                not json
                """);

        int exit = run("submit", file.toString(), "--bootstrap-servers", "127.0.0.1:9");

        assertThat(exit).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(err.toString()).contains("batch.jsonl:2").contains("model").contains("batch.jsonl:3");
        assertThat(err.toString()).doesNotContain("batch.jsonl:1:");
        assertThat(out.toString()).isEmpty(); // no batch id: nothing was submitted
    }

    @Test
    void shouldRefuseAMissingFileWithItsName() {
        int exit = run("submit", dir.resolve("absent.jsonl").toString(), "--bootstrap-servers", "127.0.0.1:9");

        assertThat(exit).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(err.toString()).contains("absent.jsonl");
    }

    @Test
    void shouldRefuseBothACompletionWindowAndADeadline() throws IOException {
        Path file = dir.resolve("one.jsonl");
        Files.writeString(file, "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}\n");

        int exit = run("submit", file.toString(), "--completion-window", "1h", "--deadline", "2026-12-03T00:00:00Z",
                "--bootstrap-servers", "127.0.0.1:9");

        assertThat(exit).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(err.toString()).contains("--completion-window or --deadline");
    }

    @Test
    void shouldRefuseAnUnknownOptionAsUsage() {
        int exit = run("collect", "--batch-id", "b", "-o", dir.resolve("r.jsonl").toString(), "--no-such-option");

        assertThat(exit).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(err.toString()).contains("--no-such-option");
    }

    @Test
    void shouldRefuseAnUnknownDlqAction() {
        int exit = run("dlq", "shred", "--bootstrap-servers", "127.0.0.1:9");

        assertThat(exit).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(err.toString()).contains("shred");
    }

    private int run(String... args) {
        var cli = DmapCli.commandLine(new DmapCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
