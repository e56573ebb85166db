package dev.dmap.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.worker.app.WorkerApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The distributed shape: a broker, the emulator, the worker service (Spring Boot, as
 * {@code ./dmap worker} runs it) and the producer CLI's submit and collect, each talking to the
 * others only over sockets.
 */
class DistributedIT {
    private static final Path EXAMPLES = Path.of(System.getProperty("dmap.examples", "../examples"));

    @Test
    void shouldProcessABatchSubmittedAndCollectedWithTheCli(@TempDir Path dir) throws Exception {
        try (LocalBroker broker = LocalBroker.startTemporary();
                LmStudioEmulator emulator = LmStudioEmulator.start(EmulatorConfig.builder().timeScale(0.02).build());
                ConfigurableApplicationContext worker = SpringApplication.run(WorkerApplication.class,
                        "--server.port=0", "--dmap.worker-id=gpu-box-1",
                        "--dmap.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                        "--dmap.backend.url=" + emulator.baseUrl(), "--dmap.backend.unload-cooldown=20ms")) {
            String batchId = CliRuns.submit(broker.bootstrapServers(), EXAMPLES.resolve("batch.jsonl"));
            assertThat(batchId).startsWith("batch_");

            Path output = dir.resolve("out.jsonl");
            CliRuns.collect(broker.bootstrapServers(), batchId, output);

            assertThat(Files.readAllLines(output)).hasSize(28);
            assertThat(Files.readAllLines(dir.resolve("out.errors.jsonl"))).hasSize(2);
            String port = worker.getEnvironment().getProperty("local.server.port");
            assertThat(get(port, "/actuator/health")).contains("\"lmstudio\"").contains("\"kafka\"").contains("UP");
            assertThat(get(port, "/actuator/prometheus"))
                    .contains("dmap_request_duration_seconds_bucket{")
                    .contains("dmap_queue_depth{")
                    .contains("dmap_model_swaps_total{");
        }
    }

    private static String get(String port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
