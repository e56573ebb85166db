package dev.dmap.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.devkit.net.FreePorts;
import dev.dmap.schemas.testing.ForeignClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dmap serve --sim}, as the README starts it, in a JVM of its own: the README's Python example
 * (examples/openai-batch.py, OpenAI's own SDK) runs a batch against it; SIGTERM stops it.
 */
class ServeIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path PYTHON = Path.of(System.getenv().getOrDefault("DMAP_OPENAI_PYTHON",
            System.getProperty("user.home") + "/.cache/dmap/openai-python"), "bin", "python");
    private static final Pattern COUNTS = Pattern.compile("completed=(\\d+), failed=(\\d+), total=(\\d+)");

    @Test
    void shouldServeTheReadmePythonExampleUntilStopped(@TempDir Path dir) throws Exception {
        ForeignClients.require(Files.isExecutable(PYTHON), "DMAP_REQUIRE_OPENAI_PYTHON",
                "the openai Python package (bash gateway/src/test/python/setup-sdk.sh)");
        int port = FreePorts.next();
        Path keys = Files.writeString(dir.resolve("api-keys.txt"), "sk-alice-1 alice\n");
        Path log = dir.resolve("serve.log");
        Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Ddmap.log.file=" + dir.resolve("dmap.log"), "-cp", System.getProperty("java.class.path"), LocalCli.class.getName(),
                "serve", "--sim", "--time-scale", "0.02", "--port", String.valueOf(port), "--api-keys-file", keys.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitLine(serve, log, "OpenAI API at http://127.0.0.1:" + port + "/v1");
            Path work = Files.createDirectories(dir.resolve("work").resolve("examples")).getParent();
            Files.copy(ROOT.resolve("examples/openai-batch.jsonl"), work.resolve("examples/openai-batch.jsonl"));
            String example = Files.readString(ROOT.resolve("examples/openai-batch.py"))
                    .replace("http://127.0.0.1:8090/v1", "http://127.0.0.1:" + port + "/v1");

            Process python = new ProcessBuilder(PYTHON.toString(), "-c", example).directory(work.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String printed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(python.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(python.exitValue()).as(printed).isZero();

            Matcher counts = COUNTS.matcher(printed);
            assertThat(printed).startsWith("completed ");
            assertThat(counts.find()).as(printed).isTrue();
            long inputLines = Files.readAllLines(ROOT.resolve("examples/openai-batch.jsonl")).stream().filter(l -> !l.isBlank()).count();
            assertThat(Long.parseLong(counts.group(3))).isEqualTo(inputLines);
            List<String> results = Files.readAllLines(work.resolve("results.jsonl")).stream().filter(l -> !l.isBlank()).toList();
            assertThat(results).hasSize(Integer.parseInt(counts.group(1))).isNotEmpty()
                    .allSatisfy(line -> assertThat(line).contains("\"status_code\":200"));
        } finally {
            serve.destroy(); // SIGTERM, as a supervisor or Ctrl-C stops it
            assertThat(serve.waitFor(1, TimeUnit.MINUTES)).as("dmap serve stops on SIGTERM (log %s)", log).isTrue();
        }
    }

    private static void awaitLine(Process process, Path log, String line) throws Exception {
        await("'" + line + "' in " + log).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(process.isAlive()).as("dmap serve: %s", Files.readString(log)).isTrue();
            return Files.readString(log).contains(line);
        });
    }
}
