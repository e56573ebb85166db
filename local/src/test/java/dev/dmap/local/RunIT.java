package dev.dmap.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.cli.DmapCli;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.MessageCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** The README's first command, as a user runs it: `dmap run examples/batch.jsonl --sim -o results.jsonl`. */
class RunIT {
    private static final Path EXAMPLES = Path.of(System.getProperty("dmap.examples", "../examples"));

    @Test
    void shouldProcessTheExampleBatchWithTheEmulator(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("results.jsonl");
        StringWriter err = new StringWriter();

        int exit = run(err, "run", EXAMPLES.resolve("batch.jsonl").toString(), "--sim", "-o", output.toString());

        assertThat(exit).as(err.toString()).isEqualTo(ExitCodes.OK);
        List<JsonNode> results = lines(output);
        List<JsonNode> errors = lines(dir.resolve("results.errors.jsonl"));
        long inputLines = Files.readAllLines(EXAMPLES.resolve("batch.jsonl")).stream().filter(l -> !l.isBlank()).count();
        assertThat(results.size() + errors.size()).isEqualTo(inputLines);
        assertThat(results).allSatisfy(line -> {
            assertThat(line.propertyNames()).containsExactly("id", "custom_id", "response", "error");
            assertThat(line.at("/response/status_code").asInt()).isEqualTo(200);
        });
        Map<String, String> codes = errors.stream().collect(Collectors.toMap(
                e -> e.path("custom_id").asString(), e -> e.at("/error/code").asString()));
        assertThat(codes).containsEntry("fail-unknown-model", "model_not_found")
                .containsEntry("fail-too-long", "context_length_exceeded").hasSize(2);
        assertThat(err.toString()).contains("LM Studio EMULATOR").contains("28 of 30 requests succeeded");
    }

    @Test
    void shouldListEveryBadLineAndRunNothing(@TempDir Path dir) {
        StringWriter err = new StringWriter();

        int exit = run(err, "run", EXAMPLES.resolve("bad-batch.jsonl").toString(), "--sim", "-o", dir.resolve("o.jsonl").toString());

        assertThat(exit).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(err.toString())
                .contains("bad-batch.jsonl:2: /body/model")
                .contains("bad-batch.jsonl:3: not valid JSON")
                .contains("bad-batch.jsonl:4: /custom_id: duplicate")
                .contains("bad-batch.jsonl:5: /url");
        assertThat(dir.resolve("o.jsonl")).doesNotExist();
    }

    @Test
    void shouldSayHowToStartAServerWhenNoneIsThere(@TempDir Path dir) {
        StringWriter err = new StringWriter();

        int exit = run(err, "run", EXAMPLES.resolve("batch.jsonl").toString(), "--backend-url", "http://127.0.0.1:9",
                "-o", dir.resolve("o.jsonl").toString());

        assertThat(exit).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(err.toString()).contains("No inference server answers at http://127.0.0.1:9")
                .contains("lms server start").contains("./dmap real-engine").contains("--sim");
    }

    static int run(StringWriter err, String... args) {
        CommandLine commandLine = DmapCli.commandLine(new LocalCli());
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    static List<JsonNode> lines(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(l -> MessageCodec.mapper().readTree(l)).toList();
    }
}
