package dev.dmap.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dmap.client.KafkaConnection;
import dev.dmap.gateway.app.GatewayApplication;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.kafka.TopicScan;
import dev.dmap.schemas.testing.ForeignClients;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The online lane from outside: the article's own TypeScript client (unchanged) and OpenAI's Node
 * and Python SDKs make synchronous and streaming calls to an anonymous gateway on loopback, served
 * through a real broker by a worker and the LM Studio EMULATOR; a caller that goes away mid-stream
 * stops the backend call and ends as request_cancelled; two gateways each answer their own calls;
 * without keys the gateway refuses to listen beyond loopback.
 */
class GatewayOnlineIT {
    private static final Path ARTICLE_CLIENT = Path.of(System.getenv().getOrDefault("DMAP_ARTICLE_CLIENT",
            System.getProperty("user.home") + "/.cache/dmap/article-client"));
    private static final Path SDK = Path.of(System.getenv().getOrDefault("DMAP_OPENAI_NODE",
            System.getProperty("user.home") + "/.cache/dmap/openai-node"), "node_modules", "openai");
    private static final Path PYTHON = Path.of(System.getenv().getOrDefault("DMAP_OPENAI_PYTHON",
            System.getProperty("user.home") + "/.cache/dmap/openai-python"), "bin", "python");
    private static final String QWEN = "qwen2.5-7b-instruct";
    private static final String LLAMA = "meta-llama-3.1-8b-instruct";
    private static final String MISTRAL = "mistral-7b-instruct-v0.3";
    private static final String EMBEDDING = "text-embedding-nomic-embed-text-v1.5";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ServingFleet fleet;
    private static ConfigurableApplicationContext gateway;
    private static ConfigurableApplicationContext second;
    private static String base;
    private static String secondBase;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        // 5 tokens a second (25 at this time scale): a stream lasts long enough for its caller to leave mid-way
        fleet = ServingFleet.start(dev.dmap.devkit.broker.LocalBroker.startTemporary(), dir,
                dev.dmap.devkit.emulator.EmulatorConfig.builder().port(0).timeScale(0.2).decodeTokensPerSecond(5).build());
        gateway = anonymousGateway("one");
        second = anonymousGateway("two");
        base = "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port");
        secondBase = "http://127.0.0.1:" + second.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {gateway, second, fleet}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // closing what is left
            }
        }
    }

    @Test
    void shouldAnswerTheArticlesOwnClient() throws Exception {
        ForeignClients.require(Files.isDirectory(ARTICLE_CLIENT.resolve("node_modules/tsx")) && Programs.onPath("node"),
                "DMAP_REQUIRE_OPENAI_SDK", "zod and tsx (bash gateway/src/test/ts/setup-client.sh) and node");
        Path work = Files.createTempDirectory(ARTICLE_CLIENT, "run-");
        for (String file : List.of("dmap-client.ts", "article-calls.ts")) {
            Files.copy(Path.of("src/test/ts", file), work.resolve(file));
        }
        assertThat(Files.readString(work.resolve("dmap-client.ts"))).as("the article's client, unchanged")
                .isEqualTo(articleClient());

        JsonNode seen = json(Programs.run(List.of("node", ARTICLE_CLIENT.resolve("node_modules/tsx/dist/cli.mjs").toString(),
                "article-calls.ts", QWEN, LLAMA, MISTRAL), work, Map.of("DMAP_PROXY_URL", base)));

        assertThat(seen.at("/concurrent/failures").values()).isEmpty();
        assertThat(seen.at("/concurrent/answered").asInt()).isEqualTo(48);
        assertThat(seen.at("/concurrent/emptyContent").asInt()).isZero();
        assertThat(seen.at("/concurrent/models").values()).extracting(JsonNode::asString).containsExactly(LLAMA, MISTRAL, QWEN);
        assertThat(seen.at("/stream/status").asInt()).isEqualTo(200);
        assertThat(seen.at("/stream/contentType").asString()).startsWith("text/event-stream");
        assertThat(seen.at("/stream/done").asBoolean()).isTrue();
        assertThat(seen.at("/stream/content").asString()).isNotBlank();
        assertThat(seen.at("/bad/error").asString()).contains("DMAP error 400", "messages");
        assertThat(seen.at("/bad/fetches").asInt()).as("a 4xx is not retried").isEqualTo(1);
        assertThat(seen.at("/unknown/error").asString()).contains("DMAP error 404", "model_not_found");
        assertThat(seen.at("/unknown/fetches").asInt()).isEqualTo(1);
        String metrics = seen.path("metrics").asString();
        assertThat(metrics).contains("dmap_queue_depth{", "dmap_request_duration_seconds_bucket{",
                "dmap_time_to_first_token_seconds_count{");
        assertThat(counter(metrics, "dmap_request_duration_seconds_count", QWEN, "success")).isGreaterThanOrEqualTo(17);
    }

    @Test
    void shouldServeTheOfficialNodeSdk() throws Exception {
        ForeignClients.require(Files.isDirectory(SDK) && Programs.onPath("node"), "DMAP_REQUIRE_OPENAI_SDK",
                "the openai npm package (bash gateway/src/test/js/setup-sdk.sh) and node");
        JsonNode seen = json(Programs.run(List.of("node", Path.of("src/test/js/online-calls.cjs").toAbsolutePath().toString(),
                base + "/v1", "no-key-needed", QWEN, EMBEDDING), dir, Map.of("NODE_PATH", SDK.getParent().toString())));

        assertThat(seen.at("/chat/object").asString()).isEqualTo("chat.completion");
        assertThat(seen.at("/chat/content").asString()).startsWith("[LM Studio emulator]");
        assertThat(seen.at("/chat/usage/completion_tokens").asInt()).isPositive();
        assertThat(seen.at("/stream/chunks").asInt()).isGreaterThan(2);
        assertThat(seen.at("/stream/text").asString()).startsWith("[LM Studio emulator]");
        assertThat(seen.at("/stream/finish").asString()).isEqualTo("length");
        assertThat(seen.at("/stream/usage/completion_tokens").asInt()).as("include_usage asked").isEqualTo(10);
        assertThat(seen.at("/completion/object").asString()).isEqualTo("text_completion");
        assertThat(seen.at("/embeddings/count").asInt()).isEqualTo(2);
        assertThat(seen.at("/embeddings/dimensions").asInt()).isPositive();
        assertThat(seen.at("/response/object").asString()).isEqualTo("response");
        assertThat(seen.at("/response/text").asString()).isNotBlank();
        assertThat(seen.at("/unknown/status").asInt()).isEqualTo(404);
        assertThat(seen.at("/unknown/code").asString()).isEqualTo("model_not_found");
        assertThat(seen.at("/unknown/type").asString()).isEqualTo("NotFoundError");
    }

    @Test
    void shouldServeTheOfficialPythonSdk() throws Exception {
        ForeignClients.require(Files.isExecutable(PYTHON), "DMAP_REQUIRE_OPENAI_PYTHON",
                "the openai Python package (bash gateway/src/test/python/setup-sdk.sh)");
        JsonNode seen = json(Programs.run(List.of(PYTHON.toString(),
                Path.of("src/test/python/online_calls.py").toAbsolutePath().toString(), base + "/v1", "no-key-needed", QWEN,
                EMBEDDING), dir, Map.of()));

        assertThat(seen.at("/chat/object").asString()).isEqualTo("chat.completion");
        assertThat(seen.at("/chat/usage/prompt_tokens").asInt()).isPositive();
        assertThat(seen.at("/stream/chunks").asInt()).isGreaterThan(2);
        assertThat(seen.at("/stream/text").asString()).startsWith("[LM Studio emulator]");
        assertThat(seen.at("/stream/finish").asString()).isEqualTo("length");
        assertThat(seen.at("/embeddings/count").asInt()).isEqualTo(2);
        assertThat(seen.at("/response/object").asString()).isEqualTo("response");
        assertThat(seen.at("/response/text").asString()).isNotBlank();
        assertThat(seen.at("/unknown/status").asInt()).isEqualTo(404);
    }

    @Test
    void shouldAnswerRepeatedDeterministicCallsFromTheCache() throws Exception {
        ForeignClients.require(Files.isExecutable(PYTHON), "DMAP_REQUIRE_OPENAI_PYTHON",
                "the openai Python package (bash gateway/src/test/python/setup-sdk.sh)");
        int before = fleet.inferenceCalls();
        JsonNode seen = json(Programs.run(List.of(PYTHON.toString(),
                Path.of("src/test/python/cached_calls.py").toAbsolutePath().toString(), base + "/v1", "no-key-needed", QWEN,
                EMBEDDING), dir, Map.of()));

        assertThat(seen.at("/first/cache").asString()).isEqualTo("miss");
        assertThat(seen.at("/second/cache").asString()).isEqualTo("hit");
        assertThat(seen.at("/second/content").asString()).isEqualTo(seen.at("/first/content").asString());
        assertThat(seen.at("/stream/text").asString()).as("a hit streams as the whole answer")
                .isEqualTo(seen.at("/first/content").asString());
        assertThat(seen.at("/off/cache").asString()).isEqualTo("miss");
        assertThat(seen.at("/embeddings/0/cache").asString()).isEqualTo("miss");
        assertThat(seen.at("/embeddings/1/cache").asString()).isEqualTo("hit");
        assertThat(seen.at("/embeddings/1/first")).isEqualTo(seen.at("/embeddings/0/first"));
        assertThat(fleet.inferenceCalls() - before).as("first chat, the call with the cache off, first embeddings").isEqualTo(3);
    }

    @Test
    void shouldRunTheReadmeStreamingExample() throws Exception {
        ForeignClients.require(Files.isExecutable(PYTHON), "DMAP_REQUIRE_OPENAI_PYTHON",
                "the openai Python package (bash gateway/src/test/python/setup-sdk.sh)");
        String readme = Files.readString(Path.of("../README.md"));
        int from = readme.indexOf("```python\n", readme.indexOf("### Calls"));
        String block = readme.substring(from + "```python\n".length(), readme.indexOf("```", from + 10));
        assertThat(block).contains("http://127.0.0.1:8090/v1", "stream=True");

        String out = Programs.run(List.of(PYTHON.toString(), "-c", block.replace("http://127.0.0.1:8090/v1", base + "/v1")), dir,
                Map.of());

        assertThat(out).startsWith("[LM Studio emulator]");
    }

    @Test
    void shouldServeMetricsPromtoolAccepts() throws Exception {
        ForeignClients.require(Programs.onPath("promtool"), "DMAP_REQUIRE_PROMTOOL", "promtool (apt install prometheus)");
        HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + QWEN + "\",\"max_tokens\":2,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
        Path metrics = Files.writeString(dir.resolve("gateway-metrics.txt"), HTTP.send(HttpRequest.newBuilder(
                URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body());

        Process check = new ProcessBuilder("promtool", "check", "metrics").redirectInput(metrics.toFile())
                .redirectErrorStream(true).start();
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(said).isZero();
        assertThat(Files.readString(metrics)).contains("dmap_time_to_first_token_seconds_bucket{");
    }

    @Test
    void shouldStopServingACallWhoseCallerWentAway() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + QWEN + "\",\"stream\":true,\"max_tokens\":96,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Write a long story\"}]}"))
                .build();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        String requestId = response.headers().firstValue("X-Dmap-Request-Id").orElseThrow();
        BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertThat(events.readLine()).startsWith("data: {");
        events.close(); // the caller goes away with most of the answer (16 to 96 tokens, 0.6 to 4 s) still to come

        JsonNode deadLetter = awaitRecord(fleet.broker.bootstrapServers(), "dmap.dead-letters", requestId, Duration.ofSeconds(30));
        assertThat(deadLetter.at("/error/code").asString()).isEqualTo("request_cancelled");
        assertThat(deadLetter.at("/error/message").asString()).contains("caller went away");
        assertThat(keysOf("dmap.results")).doesNotContain(requestId);
    }

    @Test
    void shouldAnswerEachCallOnceByTheGatewayThatTookIt() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            for (String gatewayBase : List.of(base, secondBase)) {
                calls.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(gatewayBase + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + QWEN + "\",\"max_tokens\":4,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"Call " + i + " via " + gatewayBase + "\"}]}"))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
        }
        Set<String> requestIds = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(MessageCodec.mapper().readTree(response.body()).path("object").asString()).isEqualTo("chat.completion");
            requestIds.add(response.headers().firstValue("X-Dmap-Request-Id").orElseThrow());
        }
        assertThat(requestIds).hasSize(40);
        String secondMetrics = HTTP.send(HttpRequest.newBuilder(URI.create(secondBase + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(counter(secondMetrics, "dmap_request_duration_seconds_count", QWEN, "success"))
                .as("the second gateway answered its own 20 calls, no more").isEqualTo(20);
    }

    @Test
    void shouldRefuseToListenBeyondLoopbackWithoutKeys() {
        assertThatThrownBy(() -> GatewayApplication.start("--port", "0", "--address", "0.0.0.0", "--bootstrap-servers",
                fleet.broker.bootstrapServers(), "--dir", dir.resolve("open").toString()))
                .hasStackTraceContaining("listens only on 127.0.0.1");
    }

    private static ConfigurableApplicationContext anonymousGateway(String name) {
        return GatewayApplication.start("--port", "0", "--address", "127.0.0.1", "--bootstrap-servers",
                fleet.broker.bootstrapServers(), "--dir", dir.resolve(name).toString());
    }

    /** The article's client as the seed prints it. */
    private static String articleClient() throws Exception {
        Path seed = Path.of("../../shared/seed/dmap-article.txt");
        if (!Files.exists(seed)) {
            return Files.readString(Path.of("src/test/ts/dmap-client.ts"));
        }
        String article = Files.readString(seed);
        int start = article.indexOf("// dmap-client.ts");
        int end = article.indexOf("// });", start) + "// });".length();
        return article.substring(start, end) + "\n";
    }

    private static long counter(String metrics, String name, String model, String status) {
        Matcher matcher = Pattern.compile("^" + name + "\\{([^}]*)\\} ([0-9.eE+]+)$", Pattern.MULTILINE).matcher(metrics);
        long total = 0;
        while (matcher.find()) {
            if (matcher.group(1).contains("model=\"" + model + "\"") && matcher.group(1).contains("status=\"" + status + "\"")) {
                total += (long) Double.parseDouble(matcher.group(2));
            }
        }
        return total;
    }

    private static JsonNode awaitRecord(String servers, String topic, String key, Duration patience) {
        List<JsonNode> found = new ArrayList<>();
        await("a record for " + key + " on " + topic).atMost(patience).pollInterval(Duration.ofMillis(250)).until(() -> {
            found.clear();
            TopicScan.readAll(KafkaConnection.of(servers, "dmap").scanProperties(), List.of(topic), record -> {
                if (record.key() != null && key.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                    found.add(MessageCodec.mapper().readTree(record.value()));
                }
            });
            return !found.isEmpty();
        });
        assertThat(found).as("one terminal record").hasSize(1);
        return found.get(0);
    }

    private static List<String> keysOf(String topic) {
        List<String> keys = new ArrayList<>();
        TopicScan.readAll(KafkaConnection.of(fleet.broker.bootstrapServers(), "dmap").scanProperties(), List.of(topic),
                record -> keys.add(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8)));
        return keys;
    }

    private static JsonNode json(String text) {
        String[] lines = text.strip().split("\n");
        return MessageCodec.mapper().readTree(lines[lines.length - 1]);
    }
}
