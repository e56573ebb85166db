package dev.dmap.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.devkit.engine.LlamaServer;
import dev.dmap.devkit.net.FreePorts;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.testing.ForeignClients;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** README's "Using llama.cpp's server": {@code dmap run examples/tiny-batch.jsonl} against a real llama-server router. */
class RealEngineRunIT {
    private static final Path EXAMPLES = Path.of(System.getProperty("dmap.examples", "../examples"));

    @BeforeEach
    void requireEngine() {
        ForeignClients.require(LlamaServer.installed(), LlamaServer.REQUIRED_BY, LlamaServer.installHint());
    }

    @Test
    void shouldRunTheTinyExampleBatchOnARealRouterLoadingEachModelOnce(@TempDir Path dir) throws Exception {
        try (LlamaServer router = LlamaServer.router(1, FreePorts.next(), "--parallel", "2")) {
            StringWriter err = new StringWriter();
            Path output = dir.resolve("results.jsonl");

            int exit = RunIT.run(err, "run", EXAMPLES.resolve("tiny-batch.jsonl").toString(), "-o", output.toString(),
                    "--backend-url", router.baseUrl().toString());

            assertThat(exit).as(err.toString()).isEqualTo(ExitCodes.OK);
            List<JsonNode> results = RunIT.lines(output);
            assertThat(results).hasSize(6).allSatisfy(result -> {
                assertThat(result.at("/response/status_code").asInt()).isEqualTo(200);
                assertThat(result.at("/response/body/usage/completion_tokens").asInt()).isBetween(1, 16);
            });
            assertThat(err.toString()).contains("6 of 6 requests succeeded").contains("Model loads: 3.");
        }
    }
}
