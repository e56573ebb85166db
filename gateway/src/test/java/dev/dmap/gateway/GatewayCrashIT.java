package dev.dmap.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.client.CollectSummary;
import dev.dmap.client.Collector;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.OutputFiles;
import dev.dmap.client.ProgressListener;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.testing.ChatLine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The gateway in a JVM of its own, SIGKILLed mid-upload, while publishing a batch and while a batch
 * runs, then started again over the same directory: nothing a client was told about is lost, nothing
 * half-written is shown, and every request of a batch ends once.
 */
class GatewayCrashIT {
    private static final String QWEN = "qwen2.5-7b-instruct";
    private static final String KEY = "sk-crash-1";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ServingFleet fleet;
    @TempDir
    static Path dir;
    private GatewayProcess gateway;
    private GatewayClient client;
    private Path gatewayDir;
    private Path log;

    @BeforeAll
    static void start() throws Exception {
        fleet = ServingFleet.start(dir, 0.05);
        Files.writeString(dir.resolve("keys.txt"), KEY + " crash\n");
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @AfterEach
    void killGateway() throws Exception {
        if (gateway != null) {
            gateway.kill();
        }
    }

    @Test
    void shouldShowNothingOfAnUploadCutByAKillAndTakeItAgain() throws Exception {
        startGateway("upload");
        byte[] head = GatewayClient.multipartHead("big.jsonl");
        CompletableFuture<HttpResponse<String>> upload = HTTP.sendAsync(client.request("/files")
                .header("Content-Type", "multipart/form-data; boundary=" + GatewayClient.BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(new ByteArrayInputStream(head),
                        new EndlessLines()))).build(), HttpResponse.BodyHandlers.ofString());
        await("part of the upload on the gateway's disk").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> bytesIn(gatewayDir.resolve("incoming")) >= 1_000_000);

        kill();
        assertThat(upload).failsWithin(Duration.ofSeconds(30));
        assertThat(bytesIn(gatewayDir.resolve("incoming"))).as("the cut upload's part is left on disk").isPositive();
        startGateway("upload");

        assertThat(client.get("/files").path("data").values()).as("files after the restart").isEmpty();
        assertThat(bytesIn(gatewayDir.resolve("incoming"))).as("leftovers deleted at start").isZero();
        assertThat(list(gatewayDir.resolve("files"))).isEmpty();
        Path input = Files.write(dir.resolve("again.jsonl"), lines("again", 5, 8));
        JsonNode file = client.upload(input);
        assertThat(file.path("bytes").asLong()).isEqualTo(Files.size(input));
        assertThat(client.get("/files/" + file.path("id").asString()).path("filename").asString()).isEqualTo("again.jsonl");
    }

    @Test
    void shouldPublishABatchKilledWhileValidatingOnceItStartsAgain() throws Exception {
        startGateway("publish");
        Path input = Files.write(dir.resolve("publish.jsonl"), lines("publish", 20_000, 2000));
        String fileId = client.upload(input).path("id").asString();
        JsonNode created = client.createBatch(fileId);
        kill();
        assertThat(created.path("status").asString()).isEqualTo("validating");
        String id = created.path("id").asString();

        startGateway("publish");
        client.awaitBatch(id, batch -> batch.at("/request_counts/total").asLong() == 20_000);
        assertThat(Files.readString(log)).as("the restarted gateway's log").contains("Batch " + id + " was not published yet");
        client.post("/batches/" + id + "/cancel", "");
        JsonNode ended = client.awaitBatch(id, batch -> "cancelled".equals(batch.path("status").asString()));

        assertThat(ended.at("/request_counts/completed").asLong() + ended.at("/request_counts/failed").asLong()).isEqualTo(20_000);
        List<String> ids = new ArrayList<>();
        for (String file : List.of("output_file_id", "error_file_id")) {
            if (!ended.path(file).isNull()) {
                ids.addAll(customIds(client.download(ended.path(file), dir.resolve(id + "-" + file))));
            }
        }
        assertThat(ids).hasSize(20_000).doesNotHaveDuplicates();
    }

    @Test
    void shouldFinishABatchWhoseGatewayWasKilledWhileItRan() throws Exception {
        startGateway("running");
        Path input = Files.write(dir.resolve("running.jsonl"), lines("running", 120, 400));
        String id = client.createBatch(client.upload(input).path("id").asString()).path("id").asString();
        JsonNode running = client.awaitBatch(id, batch -> batch.at("/request_counts/completed").asLong() > 0);
        assertThat(running.path("status").asString()).isEqualTo("in_progress");

        kill();
        startGateway("running");
        JsonNode done = client.awaitBatch(id, batch -> "completed".equals(batch.path("status").asString()));

        assertThat(done.at("/request_counts/completed").asLong()).isEqualTo(120);
        Path output = client.download(done.path("output_file_id"), dir.resolve("running.output.jsonl"));
        Path collected = dir.resolve("running.collected.jsonl");
        CollectSummary summary = new Collector(KafkaConnection.of(fleet.broker.bootstrapServers(), "dmap")).collect(id,
                new OutputFiles(collected, dir.resolve("running.collected.errors.jsonl")),
                Collector.Options.DEFAULT.withPatience(Duration.ofMinutes(1)).fresh(true), ProgressListener.NONE);
        assertThat(summary.complete()).isTrue();
        assertThat(sorted(output)).hasSize(120).isEqualTo(sorted(collected));

        kill();
        startGateway("running");
        JsonNode afterRestart = client.get("/batches/" + id);
        assertThat(afterRestart.path("status").asString()).as("the first answer of a restarted gateway").isEqualTo("completed");
        assertThat(afterRestart.path("output_file_id").asString()).isEqualTo(done.path("output_file_id").asString());
    }

    private void startGateway(String name) throws Exception {
        gatewayDir = dir.resolve("gateway-" + name);
        log = dir.resolve("gateway-" + name + "-" + System.nanoTime() + ".log");
        gateway = GatewayProcess.start(log, "--bootstrap-servers", fleet.broker.bootstrapServers(), "--api-keys-file",
                dir.resolve("keys.txt").toString(), "--dir", gatewayDir.toString()).awaitUp();
        client = new GatewayClient(gateway.baseUrl(), KEY);
    }

    private void kill() throws Exception {
        gateway.kill();
    }

    private static List<String> lines(String prefix, int count, int maxTokens) {
        return IntStream.range(0, count).mapToObj(i -> ChatLine.of(prefix + "-" + i, QWEN).maxTokens(maxTokens).json()).toList();
    }

    private static List<String> customIds(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(line -> !line.isBlank())
                .map(line -> MessageCodec.mapper().readTree(line).path("custom_id").asString()).toList();
    }

    private static List<String> sorted(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).sorted().toList();
    }

    /** Bytes in the regular files under {@code folder}, however deep. */
    private static long bytesIn(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            long total = 0;
            for (Path path : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                total += Files.size(path);
            }
            return total;
        }
    }

    private static List<Path> list(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    /** Batch lines without end, as a client that is still uploading when the gateway dies. */
    private static final class EndlessLines extends InputStream {
        private final byte[] line = (ChatLine.of("endless", QWEN).json() + "\n").getBytes(StandardCharsets.UTF_8);
        private long at;

        @Override
        public int read() {
            return line[(int) (at++ % line.length)];
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            for (int i = 0; i < length; i++) {
                buffer[offset + i] = line[(int) (at++ % line.length)];
            }
            return length;
        }
    }
}
