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
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Gateways scale like the workers: three gateway JVMs over one directory behind no load balancer but
 * the test's choice of URL. A file uploaded to one is used by a batch created on another and polled and
 * downloaded on a third; a gateway starting while another is mid-upload leaves that upload alone; a
 * running gateway publishes a batch whose gateway died before publishing it. No key and no prompt text
 * reaches their logs.
 */
class GatewaySharedDirectoryIT {
    private static final String KEY = "sk-shared-1";
    private static final String WRONG_KEY = "sk-wrong-" + Long.toHexString(System.nanoTime());
    private static final String PROMPT = "A private prompt, never to be logged, number ";
    private static final String QWEN = "qwen2.5-7b-instruct";
    @TempDir
    static Path dir;
    private static ServingFleet fleet;

    @BeforeAll
    static void start() throws Exception {
        fleet = ServingFleet.start(dir, 0.02);
        Files.writeString(dir.resolve("keys.txt"), KEY + " shared\n");
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void shouldServeOneBatchThroughThreeGatewaysOverOneDirectory() throws Exception {
        List<String> lines = IntStream.range(0, 2_000).mapToObj(i -> ChatLine.of("shared-" + i, QWEN).content(PROMPT + i)
                .maxTokens(8).json()).toList();
        byte[] content = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        try (GatewayProcess a = gateway("a"); GatewayProcess b = gateway("b")) {
            GatewayClient viaA = new GatewayClient(a.awaitUp().baseUrl(), KEY);
            GatewayClient viaB = new GatewayClient(b.awaitUp().baseUrl(), KEY);

            CountDownLatch carryOn = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> upload = HttpClient.newHttpClient().sendAsync(viaA.request("/files")
                    .header("Content-Type", "multipart/form-data; boundary=" + GatewayClient.BOUNDARY)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(new ByteArrayInputStream(
                            GatewayClient.multipartHead("shared.jsonl")), new PausedAfter(content, content.length / 2, carryOn))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            // past Incoming's claiming grace, so the next start could take A's area if it were abandoned
            await("A's incoming lock older than the claiming grace").atMost(Duration.ofSeconds(30)).until(() ->
                    lockAges(dir.resolve("shared").resolve("incoming")).stream().allMatch(age -> age.toSeconds() >= 3));
            assertThat(bytesUnder(dir.resolve("shared").resolve("incoming"))).as("part of the upload on A's disk")
                    .isGreaterThanOrEqualTo(content.length / 4);
            try (GatewayProcess c = gateway("c")) {
                GatewayClient viaC = new GatewayClient(c.awaitUp().baseUrl(), KEY);
                carryOn.countDown();
                HttpResponse<String> uploaded = upload.get(1, TimeUnit.MINUTES);
                assertThat(uploaded.statusCode()).as("upload to A while C started: %s", uploaded.body()).isEqualTo(200);
                JsonNode file = MessageCodec.mapper().readTree(uploaded.body());
                assertThat(file.path("bytes").asLong()).isEqualTo(content.length);

                String id = viaB.createBatch(file.path("id").asString()).path("id").asString();
                JsonNode done = viaC.awaitBatch(id, batch -> "completed".equals(batch.path("status").asString()));

                assertThat(done.at("/request_counts/completed").asLong()).isEqualTo(2_000);
                assertThat(viaA.get("/batches/" + id).path("output_file_id").asString()).isEqualTo(done.path("output_file_id").asString());
                Path output = viaA.download(done.path("output_file_id"), dir.resolve("shared.output.jsonl"));
                Path collected = dir.resolve("shared.collected.jsonl");
                CollectSummary summary = new Collector(KafkaConnection.of(fleet.broker.bootstrapServers(), "dmap")).collect(id,
                        new OutputFiles(collected, dir.resolve("shared.collected.errors.jsonl")),
                        Collector.Options.DEFAULT.withPatience(Duration.ofMinutes(1)).fresh(true), ProgressListener.NONE);
                assertThat(summary.complete()).isTrue();
                assertThat(sorted(output)).hasSize(2_000).isEqualTo(sorted(collected));
                assertThat(viaB.get("/files").path("data").values()).extracting(f -> f.path("id").asString())
                        .contains(file.path("id").asString(), done.path("output_file_id").asString());
                assertThat(HttpClient.newHttpClient().send(new GatewayClient(c.baseUrl(), WRONG_KEY).request("/batches").build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            }
        }
        assertThat(Files.readString(dir.resolve("gateway-b.log"))).as("the log of the gateway that created the batch")
                .contains("created by shared");
        for (String name : List.of("a", "b", "c")) {
            assertThat(Files.readString(dir.resolve("gateway-" + name + ".log"))).as("gateway %s's log", name)
                    .doesNotContain(KEY).doesNotContain(WRONG_KEY).doesNotContain(PROMPT);
        }
    }

    @Test
    void shouldHaveARunningGatewayPublishABatchWhoseGatewayDiedWhileValidating() throws Exception {
        Path input = Files.write(dir.resolve("orphan.jsonl"), IntStream.range(0, 20_000)
                .mapToObj(i -> ChatLine.of("orphan-" + i, QWEN).maxTokens(2000).json()).toList());
        try (GatewayProcess survivor = gateway("survivor")) {
            GatewayClient viaSurvivor = new GatewayClient(survivor.awaitUp().baseUrl(), KEY);
            GatewayProcess dying = gateway("dying").awaitUp();
            GatewayClient viaDying = new GatewayClient(dying.baseUrl(), KEY);
            JsonNode created = viaDying.createBatch(viaDying.upload(input).path("id").asString());
            dying.kill();
            assertThat(created.path("status").asString()).isEqualTo("validating");
            String id = created.path("id").asString();

            viaSurvivor.awaitBatch(id, batch -> batch.at("/request_counts/total").asLong() == 20_000);

            assertThat(Files.readString(survivor.log())).contains("Batch " + id + " was not published yet");
            viaSurvivor.post("/batches/" + id + "/cancel", "");
            JsonNode ended = viaSurvivor.awaitBatch(id, batch -> "cancelled".equals(batch.path("status").asString()));
            assertThat(ended.at("/request_counts/completed").asLong() + ended.at("/request_counts/failed").asLong())
                    .isEqualTo(20_000);
        }
    }

    private static GatewayProcess gateway(String name) throws Exception {
        return GatewayProcess.start(dir.resolve("gateway-" + name + ".log"), "--bootstrap-servers", fleet.broker.bootstrapServers(),
                "--api-keys-file", dir.resolve("keys.txt").toString(), "--dir", dir.resolve("shared").toString());
    }

    /** How long ago each gateway's incoming lock file was made. */
    private static List<Duration> lockAges(Path incoming) throws Exception {
        try (var paths = Files.list(incoming)) {
            List<Path> locks = paths.filter(path -> path.toString().endsWith(".lock")).toList();
            List<Duration> ages = new java.util.ArrayList<>();
            for (Path lock : locks) {
                ages.add(Duration.between(Files.getLastModifiedTime(lock).toInstant(), java.time.Instant.now()));
            }
            return ages;
        }
    }

    private static long bytesUnder(Path folder) throws Exception {
        try (var paths = Files.walk(folder)) {
            return paths.filter(Files::isRegularFile).mapToLong(path -> path.toFile().length()).sum();
        }
    }

    private static List<String> sorted(Path file) throws Exception {
        return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).sorted().toList();
    }

    /** The file part: its first {@code pauseAt} bytes, a wait for {@code carryOn}, the rest and the closing boundary. */
    private static final class PausedAfter extends InputStream {
        private final byte[] content;
        private final int pauseAt;
        private final CountDownLatch carryOn;
        private final byte[] tail = ("\r\n--" + GatewayClient.BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        private int at;

        PausedAfter(byte[] content, int pauseAt, CountDownLatch carryOn) {
            this.content = content;
            this.pauseAt = pauseAt;
            this.carryOn = carryOn;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (at == pauseAt) {
                try {
                    carryOn.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
            int end = at < pauseAt ? pauseAt : content.length + tail.length;
            int n = Math.min(length, end - at);
            if (n <= 0) {
                return -1;
            }
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = at + i < content.length ? content[at + i] : tail[at + i - content.length];
            }
            at += n;
            return n;
        }
    }
}
