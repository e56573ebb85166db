package dev.dmap.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.cli.CollectSummary;
import dev.dmap.cli.Collector;
import dev.dmap.cli.KafkaOptions;
import dev.dmap.cli.OutputFiles;
import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.testing.ChatLine;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.BatchSettings;
import dev.dmap.worker.config.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
    private static LocalBroker broker;
    private static LmStudioEmulator gpu;
    private static Worker worker;
    @TempDir
    static Path dir;
    private Process gateway;
    private String baseUrl;
    private Path gatewayDir;
    private Path log;

    @BeforeAll
    static void start() throws Exception {
        broker = LocalBroker.startTemporary();
        gpu = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(0.05).build());
        WorkerConfig config = WorkerConfig.defaults("crash-worker", broker.bootstrapServers(), gpu.baseUrl());
        config = config.withBackend(config.backend().withUnloadCooldown(Duration.ofMillis(20)))
                .withBatches(new BatchSettings(true, dir.resolve("tracker"), BatchSettings.DEFAULT_RETENTION));
        worker = Worker.start(config, new SimpleMeterRegistry());
        Files.writeString(dir.resolve("keys.txt"), KEY + " crash\n");
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (gpu != null) {
            gpu.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void killGateway() throws Exception {
        if (gateway != null) {
            gateway.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldShowNothingOfAnUploadCutByAKillAndTakeItAgain() throws Exception {
        startGateway("upload");
        byte[] head = multipartHead("big.jsonl");
        CompletableFuture<HttpResponse<String>> upload = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl + "/files"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(new ByteArrayInputStream(head),
                        new EndlessLines()))).build(), HttpResponse.BodyHandlers.ofString());
        awaitTrue("part of the upload is on the gateway's disk", () -> bytesIn(gatewayDir.resolve("incoming")) > 1_000_000);

        kill();
        assertThat(upload).failsWithin(Duration.ofSeconds(30));
        assertThat(bytesIn(gatewayDir.resolve("incoming"))).as("the cut upload's part is left on disk").isPositive();
        startGateway("upload");

        assertThat(get("/files").path("data").values()).as("files after the restart").isEmpty();
        assertThat(bytesIn(gatewayDir.resolve("incoming"))).as("leftovers deleted at start").isZero();
        assertThat(list(gatewayDir.resolve("files"))).isEmpty();
        Path input = Files.write(dir.resolve("again.jsonl"), lines("again", 5, 8));
        JsonNode file = uploadFile(input);
        assertThat(file.path("bytes").asLong()).isEqualTo(Files.size(input));
        assertThat(get("/files/" + file.path("id").asString()).path("filename").asString()).isEqualTo("again.jsonl");
    }

    @Test
    void shouldPublishABatchKilledWhileValidatingOnceItStartsAgain() throws Exception {
        startGateway("publish");
        Path input = Files.write(dir.resolve("publish.jsonl"), lines("publish", 20_000, 2000));
        String fileId = uploadFile(input).path("id").asString();
        JsonNode created = post("/batches", "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/chat/completions\","
                + "\"completion_window\":\"24h\"}");
        kill();
        assertThat(created.path("status").asString()).isEqualTo("validating");
        String id = created.path("id").asString();

        startGateway("publish");
        awaitBatch(id, batch -> batch.at("/request_counts/total").asLong() == 20_000);
        assertThat(Files.readString(log)).as("the restarted gateway's log").contains("Batch " + id + " was not published before");
        post("/batches/" + id + "/cancel", "");
        JsonNode ended = awaitBatch(id, batch -> "cancelled".equals(batch.path("status").asString()));

        assertThat(ended.at("/request_counts/completed").asLong() + ended.at("/request_counts/failed").asLong()).isEqualTo(20_000);
        List<String> ids = new ArrayList<>();
        for (String file : List.of("output_file_id", "error_file_id")) {
            if (!ended.path(file).isNull()) {
                ids.addAll(customIds(download(ended.path(file))));
            }
        }
        assertThat(ids).hasSize(20_000).doesNotHaveDuplicates();
    }

    @Test
    void shouldFinishABatchWhoseGatewayWasKilledWhileItRan() throws Exception {
        startGateway("running");
        Path input = Files.write(dir.resolve("running.jsonl"), lines("running", 120, 400));
        String id = post("/batches", "{\"input_file_id\":\"" + uploadFile(input).path("id").asString()
                + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}").path("id").asString();
        JsonNode running = awaitBatch(id, batch -> batch.at("/request_counts/completed").asLong() > 0);
        assertThat(running.path("status").asString()).isEqualTo("in_progress");

        kill();
        startGateway("running");
        JsonNode done = awaitBatch(id, batch -> "completed".equals(batch.path("status").asString()));

        assertThat(done.at("/request_counts/completed").asLong()).isEqualTo(120);
        Path output = download(done.path("output_file_id"));
        Path collected = dir.resolve("running.collected.jsonl");
        CollectSummary summary = new Collector(KafkaOptions.of(broker.bootstrapServers(), "dmap")).collect(id,
                new OutputFiles(collected, dir.resolve("running.collected.errors.jsonl")), Duration.ofMinutes(1), false, false, true);
        assertThat(summary.complete()).isTrue();
        assertThat(sorted(output)).hasSize(120).isEqualTo(sorted(collected));
    }

    private void startGateway(String name) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        gatewayDir = dir.resolve("gateway-" + name);
        log = dir.resolve("gateway-" + name + "-" + System.nanoTime() + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        gateway = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                GatewayApplication.class.getName(), "--port", String.valueOf(port), "--bootstrap-servers", broker.bootstrapServers(),
                "--api-keys-file", dir.resolve("keys.txt").toString(), "--dir", gatewayDir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        baseUrl = "http://127.0.0.1:" + port + "/v1";
        awaitTrue("the gateway answers on port " + port, () -> {
            assertThat(gateway.isAlive()).as("gateway process (log %s)", log).isTrue();
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/files")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 401;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** SIGKILL: no shutdown hook, no flush. */
    private void kill() throws Exception {
        gateway.destroyForcibly();
        assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private JsonNode awaitBatch(String id, Predicate<JsonNode> until) throws Exception {
        JsonNode[] last = new JsonNode[1];
        awaitTrue("batch " + id + " to reach the expected state", () -> until.test(last[0] = get("/batches/" + id)));
        return last[0];
    }

    private JsonNode uploadFile(Path file) throws Exception {
        byte[] body = concat(multipartHead(file.getFileName().toString()), Files.readAllBytes(file),
                ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return answer(HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/files")).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString()));
    }

    private JsonNode get(String path) throws Exception {
        return answer(HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + KEY).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private JsonNode post(String path, String json) throws Exception {
        return answer(HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    private Path download(JsonNode fileId) throws Exception {
        assertThat(fileId.isString()).as("file id %s", fileId).isTrue();
        Path target = dir.resolve(fileId.asString() + "-" + System.nanoTime() + ".jsonl");
        HttpResponse<Path> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/files/" + fileId.asString() + "/content"))
                .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofFile(target));
        assertThat(response.statusCode()).isEqualTo(200);
        return target;
    }

    private static JsonNode answer(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("%s: %s", response.uri(), response.body()).isEqualTo(200);
        return MessageCodec.mapper().readTree(response.body());
    }

    private static final String BOUNDARY = "dmap-crash-test";

    private static byte[] multipartHead(String filename) {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/jsonl\r\n\r\n").getBytes(StandardCharsets.UTF_8);
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

    private static long bytesIn(Path folder) throws IOException {
        long total = 0;
        for (Path path : list(folder)) {
            total += Files.size(path);
        }
        return total;
    }

    private static List<Path> list(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] part : parts) {
            size += part.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static void awaitTrue(String what, ThrowingCondition condition) throws Exception {
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(3));
        while (!condition.holds()) {
            assertThat(Instant.now()).as("waiting for %s", what).isBefore(giveUp);
            Thread.sleep(100);
        }
    }

    private interface ThrowingCondition {
        boolean holds() throws Exception;
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
