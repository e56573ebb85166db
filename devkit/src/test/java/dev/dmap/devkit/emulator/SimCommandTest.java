package dev.dmap.devkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimCommandTest {

    private static EmulatorConfig parse(String... args) {
        SimCommand command = new SimCommand();
        new CommandLine(command).parseArgs(args);
        return command.toConfig();
    }

    @Test
    void shouldDefaultToLmStudiosPortAndTheDefaultCatalogue() {
        EmulatorConfig config = parse();

        assertThat(config.port()).isEqualTo(1234);
        assertThat(config.models()).isEqualTo(EmulatorConfig.defaultCatalogue());
        assertThat(config.parallelSlots()).isEqualTo(EmulatorConfig.DEFAULT_PARALLEL_SLOTS);
    }

    @Test
    void shouldMapEveryFlagOntoTheConfig() {
        EmulatorConfig config = parse("--host", "0.0.0.0", "--port", "0", "--model", "a:1GB:4096",
                "--model", "e:84MB:2048:embedding", "--memory", "16GB", "--slots", "2", "--context-length", "8192",
                "--load-speed", "3GB/s", "--prefill-tps", "1000", "--decode-tps", "30", "--no-jit", "--no-auto-evict",
                "--time-scale", "0.1", "--api-key", "key", "--fail-rate", "0.2", "--fail-status", "503",
                "--drop-rate", "0.1", "--fail-load", "a", "--seed", "3");

        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.models()).extracting(EmulatedModel::key).containsExactly("a", "e");
        assertThat(config.memoryBudgetBytes()).isEqualTo(16_000_000_000L);
        assertThat(config.parallelSlots()).isEqualTo(2);
        assertThat(config.defaultContextLength()).isEqualTo(8192);
        assertThat(config.loadBytesPerSecond()).isEqualTo(3e9);
        assertThat(config.prefillTokensPerSecond()).isEqualTo(1000);
        assertThat(config.decodeTokensPerSecond()).isEqualTo(30);
        assertThat(config.jit()).isFalse();
        assertThat(config.autoEvict()).isFalse();
        assertThat(config.timeScale()).isEqualTo(0.1);
        assertThat(config.apiKey()).isEqualTo("key");
        assertThat(config.seed()).isEqualTo(3);
        assertThat(config.faults().serverErrorRate()).isEqualTo(0.2);
        assertThat(config.faults().serverErrorStatus()).isEqualTo(503);
        assertThat(config.faults().dropRate()).isEqualTo(0.1);
        assertThat(config.faults().failingLoads()).containsExactly("a");
    }

    @Test
    void shouldReadAModelsFileWithSnakeCaseFields(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("models.json");
        Files.writeString(file, "[{\"key\":\"x/small-1b\",\"size_bytes\":\"1.2GB\",\"max_context_length\":8192,"
                + "\"quantization\":\"Q8_0\"},{\"key\":\"emb\",\"type\":\"embedding\",\"size_bytes\":84000000,"
                + "\"max_context_length\":2048}]");

        EmulatorConfig config = parse("--models-file", file.toString());

        assertThat(config.models()).hasSize(2);
        assertThat(config.models().get(0)).isEqualTo(new EmulatedModel("x/small-1b", "llm", 1_200_000_000L, 8192,
                "x", "llama", "Q8_0", "1B"));
        assertThat(config.models().get(1).type()).isEqualTo("embedding");
    }
}
