package dev.dmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.client.BatchFile;
import dev.dmap.client.ClientException;
import dev.dmap.client.StatusReport;
import dev.dmap.schemas.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's own advice on top of the client library's neutral messages: the option or the command to use. */
class CliWordsTest {
    @TempDir
    Path dir;

    @Test
    void shouldNameTheOptionThatSetsTheSizeLimitBesideALineOverIt() throws Exception {
        Path file = Files.writeString(dir.resolve("big.jsonl"), "{\"custom_id\":\"a\",\"url\":\"/v1/embeddings\","
                + "\"body\":{\"model\":\"m\",\"input\":\"" + "x".repeat(200) + "\"}}\n");
        StringWriter err = new StringWriter();

        ProblemReport.print(new PrintWriter(err, true), BatchFile.read(file, 100));

        assertThat(err.toString()).contains("big.jsonl:1: the line is ").contains("the limit is 100 bytes (--max-request-bytes)")
                .contains("nothing was published");
    }

    @Test
    void shouldTellHowToFinishABatchWhoseSubmitStoppedMidway() {
        StatusReport.BatchRow row = new StatusReport.BatchRow("dies-midway", "validating", null, 10, 0, 0, 0, null, null, false,
                "dying.jsonl");

        assertThat(StatusTables.finishWith(row)).isEqualTo("dmap submit dying.jsonl --batch-id dies-midway");
    }

    @Test
    void shouldKeepStatusJsonAsItWasWithFinishWithOnEachBatch() throws Exception {
        StatusReport report = new StatusReport(java.util.List.of(
                new StatusReport.BatchRow("dies-midway", "validating", null, 10, 0, 0, 0, null, null, false, "dying.jsonl"),
                new StatusReport.BatchRow("done", "submitted", null, 2, 0, 0, 0, null, null, true, "done.jsonl")),
                java.util.List.of(), java.util.List.of());

        var json = dev.dmap.schemas.MessageCodec.mapper().readTree(StatusTables.json(report));

        assertThat(json.at("/batches/0/finish_with").asString()).isEqualTo("dmap submit dying.jsonl --batch-id dies-midway");
        assertThat(json.at("/batches/1/finish_with").isNull()).isTrue();
        assertThat(json.path("batches").get(0).has("published")).isFalse();
        assertThat(json.path("batches").get(0).has("input_file")).isFalse();
    }

    @Test
    void shouldAskForAnotherBatchIdWhenTheIdIsTaken() {
        CliException taken = KafkaFailures.of(new ClientException.BatchIdTaken("batch b was submitted before with 3 requests (a.jsonl)"));

        assertThat(taken.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(taken.getMessage()).endsWith("; choose another --batch-id");
    }
}
