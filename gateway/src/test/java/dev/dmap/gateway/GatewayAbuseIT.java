package dev.dmap.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway process as an attacker and a careless tenant would try it: hundreds of slow bodies
 * without a key, bodies declared larger than their limit, one client's many slow uploads, absurd
 * input. Each figure it measured is printed. Calls that should answer are given 10 s (a liveness
 * bound, not a speed target: a stalled gateway answered nothing for 25 s and more).
 */
class GatewayAbuseIT {
    private static final String KEY = "sk-abuse-alice";
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
    private static final int MAX_PER_CLIENT = 8;
    private static final String QWEN = "qwen2.5-7b-instruct";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();
    @TempDir
    static Path dir;
    private static ServingFleet fleet;
    private static GatewayProcess gateway;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        fleet = ServingFleet.start(dir, 0.0);
        Files.writeString(dir.resolve("keys.txt"), KEY + " alice\nsk-abuse-bob bob\nsk-abuse-carol carol\n");
        gateway = GatewayProcess.start(dir.resolve("gateway.log"), "--bootstrap-servers", fleet.broker.bootstrapServers(),
                "--api-keys-file", dir.resolve("keys.txt").toString(), "--dir", dir.resolve("store").toString(),
                "--max-file-size", "1MB", "--max-requests-per-client", String.valueOf(MAX_PER_CLIENT),
                "--max-bytes-per-owner", "1500KB").awaitUp();
        port = URI.create(gateway.baseUrl()).getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
            Files.copy(gateway.log(), Path.of("target", "gateway-abuse.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void shouldStayResponsiveWhileHundredsOfSlowBodiesWithoutAKeyAreOpen() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 220; i++) {
                // within the size limit, so that the refusal is the key's and the body is one a server would read on
                slow.add(slowBody("/v1/files", null, 900L * 1024, "multipart/form-data; boundary=x"));
            }
            long healthStarted = System.nanoTime();
            HttpResponse<String> health = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")));
            long healthMillis = (System.nanoTime() - healthStarted) / 1_000_000;
            long ownStarted = System.nanoTime();
            // every client of this test is 127.0.0.1: while the refused bodies end, its share may be full for a moment
            HttpResponse<String> own = awaitStatus(200);
            long ownMillis = (System.nanoTime() - ownStarted) / 1_000_000;
            int unauthorized = 0;
            int tooMany = 0;
            java.util.Map<String, Integer> statuses = new java.util.TreeMap<>();
            for (Socket socket : slow) {
                String status = statusLine(socket);
                statuses.merge(status, 1, Integer::sum);
                unauthorized += status.contains(" 401") ? 1 : 0;
                tooMany += status.contains(" 429") ? 1 : 0;
            }
            System.out.printf("abuse: 220 slow unauthenticated bodies open: /health %d ms, an owner's list %d ms; %d answered 401, "
                    + "%d 429 (over this client's share); %s%n", healthMillis, ownMillis, unauthorized, tooMany, statuses);

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(own.statusCode()).isEqualTo(200);
            assertThat(unauthorized + tooMany).as("every slow body refused at once").isEqualTo(220);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void shouldRefuseADeclaredOversizedJsonBodyBeforeReadingIt() throws Exception {
        try (Socket socket = slowBody("/v1/batches", KEY, 400L * 1024 * 1024, "application/json")) {
            String status = statusLine(socket);
            System.out.printf("abuse: a 400 MB JSON body declared and not sent: %s%n", status);

            assertThat(status).contains(" 413");
        }
    }

    @Test
    void shouldStopReadingAChunkedJsonBodyAtItsLimit() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) ANSWER_WITHIN.toMillis());
            socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            try {
                out.write("d\r\n{\"metadata\":\"\r\n".getBytes(StandardCharsets.US_ASCII)); // one long string value, never closed
                for (int i = 0; i < 40; i++) { // 2.6 MB, chunk by chunk, without a declared length
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException e) {
                // the gateway may close the connection once it has refused: what it answered is what counts
            }
            String status = statusLine(socket);
            System.out.printf("abuse: a 2.6 MB chunked JSON body: %s%n", status);

            assertThat(status).contains(" 413");
        }
    }

    @Test
    void shouldRefuseADeclaredOversizedUploadBeforeReadingIt() throws Exception {
        try (Socket socket = slowBody("/v1/files", KEY, 70L * 1024 * 1024, "multipart/form-data; boundary=x")) {
            String status = statusLine(socket);
            System.out.printf("abuse: a 70 MB upload declared against a 1 MB limit, not sent: %s%n", status);

            assertThat(status).contains(" 413");
        }
    }

    @Test
    void shouldLetOneClientHoldNoMoreThanItsShareOfRequests() throws Exception {
        List<Socket> uploads = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PER_CLIENT; i++) {
                uploads.add(slowBody("/v1/files", KEY, 512 * 1024, "multipart/form-data; boundary=x"));
            }
            HttpResponse<String> beyond = awaitStatus(429);

            assertThat(beyond.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(beyond.body()).contains("too_many_requests");
        } finally {
            for (Socket socket : uploads) {
                socket.close();
            }
        }
        assertThat(awaitStatus(200).statusCode()).as("once the slow uploads end").isEqualTo(200);
        org.awaitility.Awaitility.await().atMost(ANSWER_WITHIN).until(() -> Files.readString(gateway.log())
                .contains("An upload could not be read"));
        assertThat(Files.readString(gateway.log())).as("uploads dropped mid-body flood nothing").doesNotContain(" ERROR ")
                .doesNotContain("\tat ");
    }

    @Test
    void shouldRefuseAnAbsurdCompletionWindowWithA400() throws Exception {
        for (String window : List.of("106751991167300d", "1000000000000d", "1s")) {
            HttpResponse<String> created = send(authorized("/v1/batches").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"input_file_id\":\"file-x\",\"endpoint\":\"/v1/chat/completions\","
                            + "\"completion_window\":\"" + window + "\"}")));

            assertThat(created.statusCode()).as(window).isEqualTo(400);
            assertThat(created.body()).contains("completion_window");
        }
    }

    @Test
    void shouldAnswerACorsPreflightWithoutAKeyWithoutFailing() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/files"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST"));
        System.out.printf("abuse: a CORS preflight without a key: %d%n", preflight.statusCode());

        assertThat(preflight.statusCode()).isLessThan(500);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void shouldExposeNoActuatorEndpointOnTheApiPort() throws Exception {
        assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator"))).statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))).statusCode())
                .isEqualTo(404);
    }

    @Test
    void shouldCreateNoTopicForSixtyModelsNobodyServesAndEndTheirLinesAsModelNotFound() throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(dev.dmap.schemas.testing.ChatLine.of("served", QWEN).maxTokens(8).json());
        for (int i = 0; i < 60; i++) {
            lines.add(dev.dmap.schemas.testing.ChatLine.of("unserved-" + i, "no-such-model-" + i).maxTokens(8).json());
        }
        GatewayClient client = new GatewayClient(gateway.baseUrl(), KEY);
        String id = client.createBatch(client.upload(Files.write(dir.resolve("sixty-models.jsonl"), lines)).path("id").asString())
                .path("id").asString();

        var ended = client.awaitBatch(id, batch -> "completed".equals(batch.path("status").asString()));

        java.util.Set<String> topics;
        try (var admin = org.apache.kafka.clients.admin.Admin.create(java.util.Map.of("bootstrap.servers",
                fleet.broker.bootstrapServers()))) {
            topics = admin.listTopics().names().get();
        }
        long created = topics.stream().filter(topic -> topic.contains("no-such-model")).count();
        System.out.printf("abuse: a batch naming 60 models nobody serves: %d topics created, %d lines failed, %d completed%n",
                created, ended.at("/request_counts/failed").asLong(), ended.at("/request_counts/completed").asLong());

        assertThat(created).isZero();
        assertThat(ended.at("/request_counts/failed").asLong()).isEqualTo(60);
        assertThat(ended.at("/request_counts/completed").asLong()).isEqualTo(1);
    }

    @Test
    void shouldLetAnOwnerDeleteAnEndedBatchsRecordAndNobodyElse() throws Exception {
        GatewayClient alice = new GatewayClient(gateway.baseUrl(), KEY);
        String id = alice.createBatch(alice.upload(Files.writeString(dir.resolve("bad.jsonl"), "{}\n")).path("id").asString())
                .path("id").asString();
        alice.awaitBatch(id, batch -> "failed".equals(batch.path("status").asString()));

        HttpResponse<String> byBob = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/batches/" + id))
                .header("Authorization", "Bearer sk-abuse-bob").DELETE());
        HttpResponse<String> byAlice = send(authorized("/v1/batches/" + id).DELETE());

        assertThat(byBob.statusCode()).isEqualTo(404);
        assertThat(byAlice.statusCode()).isEqualTo(200);
        assertThat(byAlice.body()).contains("\"deleted\":true");
        assertThat(send(authorized("/v1/batches/" + id)).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseANulByteInAnUploadsNameAndCutAFiveThousandCharacterOne() throws Exception {
        GatewayClient alice = new GatewayClient(gateway.baseUrl(), KEY);
        for (String name : List.of("bad\u0000name.jsonl", "n".repeat(5_000) + ".jsonl")) {
            byte[] body = GatewayClient.multipartBody(name, "{}\n".getBytes(StandardCharsets.UTF_8));

            HttpResponse<String> stored = HTTP.send(alice.request("/files").header("Content-Type", "multipart/form-data; boundary="
                    + GatewayClient.BOUNDARY).POST(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(ANSWER_WITHIN).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.printf("abuse: an upload named with %d characters%s: %d%n", name.length(),
                    name.contains("\u0000") ? " and a NUL byte" : "", stored.statusCode());

            if (name.contains("\u0000")) { // Tomcat's multipart parser refuses it before the gateway sees the name
                assertThat(stored.statusCode()).as(stored.body()).isEqualTo(400);
                assertThat(stored.body()).contains("file name");
            } else {
                assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
                assertThat(dev.dmap.schemas.MessageCodec.mapper().readTree(stored.body()).path("filename").asString().length())
                        .isLessThanOrEqualTo(255);
            }
        }
    }

    @Test
    void shouldKeepAnotherOwnersListFastAndStoreNoValueWhenABatchsLinesCarryHugeFields() throws Exception {
        GatewayClient alice = new GatewayClient(gateway.baseUrl(), KEY);
        GatewayClient carol = new GatewayClient(gateway.baseUrl(), "sk-abuse-carol");
        long before = listMillis(carol);
        String huge = "9".repeat(60_000);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            lines.add("{\"custom_id\":\"h" + i + "\",\"url\":\"/v1/chat/completions\",\"deadline\":\"" + huge + "\",\"body\":"
                    + "{\"model\":\"" + QWEN + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}");
        }
        String id = alice.createBatch(alice.upload(Files.write(dir.resolve("huge-fields.jsonl"), lines)).path("id").asString())
                .path("id").asString();
        var failed = alice.awaitBatch(id, batch -> "failed".equals(batch.path("status").asString()));
        long after = listMillis(carol);
        long record = Files.size(dir.resolve("store/batches/" + id + ".json"));
        System.out.printf("abuse: a batch of 14 lines with a 60 KB deadline each: its record %d bytes, %d errors; another owner's "
                + "list %d ms before, %d ms after%n", record, failed.at("/errors/data").size(), before, after);

        assertThat(record).isLessThan(2_000);
        assertThat(failed.toString()).doesNotContain("9999999999");
        assertThat(failed.at("/errors/data/0/param").asString()).isEqualTo("/deadline");
    }

    private static long listMillis(GatewayClient client) throws Exception {
        long started = System.nanoTime();
        client.get("/batches");
        return (System.nanoTime() - started) / 1_000_000;
    }

    @Test
    void shouldRefuseAnUploadBeyondTheOwnersQuota() throws Exception {
        GatewayClient bob = new GatewayClient(gateway.baseUrl(), "sk-abuse-bob");
        Path big = Files.write(dir.resolve("big-bob.jsonl"), new byte[900 * 1024]);
        bob.upload(big);

        HttpResponse<String> second = HTTP.send(bob.request("/files").header("Content-Type", "multipart/form-data; boundary="
                + GatewayClient.BOUNDARY).POST(HttpRequest.BodyPublishers.ofByteArray(GatewayClient.multipartBody("big-bob.jsonl", Files.readAllBytes(big)))).timeout(ANSWER_WITHIN).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(second.body()).contains("storage_quota_exceeded");
        assertThat(bob.get("/files").path("data").size()).isEqualTo(1);
    }

    /** The first status that is {@code status}, asking again while the server is still letting go of earlier requests. */
    private static HttpResponse<String> awaitStatus(int status) throws Exception {
        HttpResponse<String>[] last = new HttpResponse[1];
        org.awaitility.Awaitility.await().atMost(ANSWER_WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> (last[0] = send(authorized("/v1/files"))).statusCode() == status);
        return last[0];
    }

    /** A connection that sends a request's headers, declaring {@code length} bytes of body, and one byte of it. */
    private static Socket slowBody(String path, String key, long length, String contentType) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) ANSWER_WITHIN.toMillis());
        socket.setSoTimeout((int) ANSWER_WITHIN.toMillis());
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                + "Content-Type: " + contentType + "\r\nContent-Length: " + length + "\r\n\r\n-").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** The response's status line, or what went wrong reading it. */
    private static String statusLine(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        try {
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
        } catch (SocketTimeoutException e) {
            return "(no answer within " + ANSWER_WITHIN.toSeconds() + " s)";
        }
        return line.toString().trim();
    }

    private static HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + KEY);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.ofString());
    }
}
