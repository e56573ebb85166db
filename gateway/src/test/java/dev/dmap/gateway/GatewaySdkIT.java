package dev.dmap.gateway;

import dev.dmap.gateway.app.GatewayApplication;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.client.CollectSummary;
import dev.dmap.client.Collector;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.OutputFiles;
import dev.dmap.client.ProgressListener;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.testing.ChatLine;
import dev.dmap.schemas.testing.ForeignClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * OpenAI's own SDKs (Node and Python), unchanged but for their base URL and key, run the Batch flow
 * against the gateway, a real broker, a worker with its batch tracker and the LM Studio emulator:
 * upload, create, poll, download output and error files (compared with what {@code dmap collect}
 * writes), cancel, list with pagination; another key's owner sees none of it and a wrong key gets
 * OpenAI's 401. The README's Python and JavaScript examples and docs/gateway.md's curl block run as
 * written, with only the URL and key replaced.
 */
class GatewaySdkIT {
    private static final Path SDK = Path.of(System.getenv().getOrDefault("DMAP_OPENAI_NODE",
            System.getProperty("user.home") + "/.cache/dmap/openai-node"), "node_modules", "openai");
    private static final Path PYTHON = Path.of(System.getenv().getOrDefault("DMAP_OPENAI_PYTHON",
            System.getProperty("user.home") + "/.cache/dmap/openai-python"), "bin", "python");
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String DOCS_URL = "http://127.0.0.1:8090/v1";
    private static final String DOCS_KEY = "sk-alice-1";
    private static final String QWEN = "qwen2.5-7b-instruct";
    private static ServingFleet fleet;
    private static ConfigurableApplicationContext gateway;
    private static String baseUrl;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        fleet = ServingFleet.start(dir, 0.2);
        Path keys = dir.resolve("keys.txt");
        Files.writeString(keys, "# key owner\nsk-alice-1 alice\nsk-bob-1 bob\nsk-carol-1 carol\n"
                + "sk-readme-python readme-python\nsk-readme-js readme-js\nsk-docs-curl docs-curl\n");
        gateway = GatewayApplication.start(new String[] {
                "--port", "0", "--bootstrap-servers", fleet.broker.bootstrapServers(), "--api-keys-file", keys.toString(),
                "--dir", dir.resolve("gateway").toString(), "--max-file-size", "1MB"});
        baseUrl = "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port") + "/v1";
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void shouldRunTheWholeBatchFlowWithTheOfficialNodeSdk() throws Exception {
        ForeignClients.require(Files.isDirectory(SDK) && onPath("node"), "DMAP_REQUIRE_OPENAI_SDK",
                "the openai npm package (bash gateway/src/test/js/setup-sdk.sh) and node");
        Path in = Files.createDirectories(dir.resolve("node"));
        Path input = flowInput(in);
        Path slow = slowInput(in);
        Path responses = Files.write(in.resolve("responses.jsonl"), IntStream.range(0, 3).mapToObj(i -> "{\"custom_id\":\"r-" + i
                + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"" + QWEN
                + "\",\"input\":\"Say hello " + i + "\",\"max_output_tokens\":16}}").toList());
        Path bad = Files.write(in.resolve("bad.jsonl"), List.of(ChatLine.of("fine", QWEN).json(), "{\"custom_id\": \"broken\",",
                "{\"custom_id\":\"fine-2\",\"method\":\"POST\",\"url\":\"/v1/completions\",\"body\":{\"model\":\"" + QWEN
                        + "\",\"prompt\":\"Once upon\"}}"));
        Path out = Files.createDirectories(in.resolve("sdk"));

        JsonNode seen = node(src("js/batch-flow.cjs"), baseUrl, "sk-alice-1", "sk-bob-1", input.toString(), slow.toString(),
                responses.toString(), bad.toString(), out.toString());

        JsonNode batch = seen.path("batch");
        assertCompletedAsCollected(batch, out, "sdk-test");
        assertThat(batch.at("/usage/input_tokens").asLong()).isPositive();
        assertThat(batch.at("/usage/output_tokens").asLong()).isPositive();
        assertThat(batch.path("completed_at").isNumber()).isTrue();
        JsonNode cancel = seen.path("cancel");
        assertCancelled(cancel);

        JsonNode served = seen.path("responses");
        assertThat(served.path("status").asString()).isEqualTo("completed");
        assertThat(served.at("/request_counts/completed").asLong()).isEqualTo(3);
        assertThat(served.path("lines").values()).hasSize(3).allSatisfy(line -> {
            assertThat(line.at("/response/status_code").asInt()).isEqualTo(200);
            assertThat(line.at("/response/body/object").asString()).isEqualTo("response");
            assertThat(line.at("/response/body/usage/input_tokens").asInt()).isPositive();
        });
        assertThat(served.path("output_expires_in").asLong()).isEqualTo(3600);

        JsonNode invalid = seen.path("invalid");
        assertThat(invalid.path("status").asString()).isEqualTo("failed");
        assertThat(invalid.at("/errors/data").values()).extracting(e -> e.path("line").asInt(), e -> e.path("code").asString())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, "invalid_request"),
                        org.assertj.core.groups.Tuple.tuple(3, "mismatched_endpoint"));
        assertThat(seen.path("moderations").asInt()).isEqualTo(400);

        assertThat(seen.at("/listed/pages").asInt()).isEqualTo(4);
        assertThat(seen.at("/listed/ids").values().stream().map(JsonNode::asString).toList()).containsExactly(
                invalid.path("id").asString(), served.path("id").asString(), cancel.path("id").asString(), batch.path("id").asString());
        assertThat(seen.path("files").values().stream().map(JsonNode::asString).toList())
                .contains(batch.path("output_file_id").asString(), batch.path("error_file_id").asString()).hasSizeGreaterThanOrEqualTo(4);

        assertIsolated(seen);
    }

    @Test
    void shouldRunTheBatchFlowWithTheOfficialPythonSdk() throws Exception {
        requirePythonSdk();
        Path in = Files.createDirectories(dir.resolve("python"));
        Path out = Files.createDirectories(in.resolve("sdk"));

        JsonNode seen = json(run(List.of(PYTHON.toString(), src("python/batch_flow.py"), baseUrl, "sk-carol-1", "sk-bob-1",
                flowInput(in).toString(), slowInput(in).toString(), out.toString()), in, Map.of()));

        JsonNode batch = seen.path("batch");
        assertCompletedAsCollected(batch, out, "python-sdk");
        JsonNode cancel = seen.path("cancel");
        assertCancelled(cancel);
        assertThat(seen.at("/listed/pages").asInt()).isEqualTo(2);
        assertThat(seen.at("/listed/ids").values().stream().map(JsonNode::asString).toList())
                .containsExactly(cancel.path("id").asString(), batch.path("id").asString());
        assertIsolated(seen);
    }

    @Test
    void shouldRunTheReadmePythonExample() throws Exception {
        requirePythonSdk();
        Path work = examplesCopy("readme-python");
        String out = run(List.of(PYTHON.toString(), "-c", docsBlock("README.md", "### Batches", "```python",
                "sk-readme-python")), work, Map.of());

        JsonNode batch = onlyBatchOf("sk-readme-python");
        assertThat(out).contains("completed", "completed=" + batch.at("/request_counts/completed").asLong());
        assertServedAsListed(batch, work.resolve("results.jsonl"));
    }

    @Test
    void shouldRunTheReadmeJavaScriptExample() throws Exception {
        ForeignClients.require(Files.isDirectory(SDK) && onPath("node"), "DMAP_REQUIRE_OPENAI_SDK",
                "the openai npm package (bash gateway/src/test/js/setup-sdk.sh) and node");
        Path work = examplesCopy("readme-js");
        run(List.of("node", "-e", docsBlock("README.md", "### Batches", "```javascript", "sk-readme-js")), work,
                Map.of("NODE_PATH", SDK.getParent().toString()));

        assertServedAsListed(onlyBatchOf("sk-readme-js"), work.resolve("results.jsonl"));
    }

    @Test
    void shouldRunTheDocsCurlExample() throws Exception {
        ForeignClients.require(onPath("curl") && onPath("jq"), "DMAP_REQUIRE_OPENAI_SDK", "curl and jq");
        Path work = examplesCopy("docs-curl");
        String out = run(List.of("bash", "-euo", "pipefail", "-c",
                docsBlock("docs/gateway.md", "<!-- curl-example -->", "```bash", "sk-docs-curl")), work, Map.of());

        JsonNode batch = onlyBatchOf("sk-docs-curl");
        assertThat(out).contains("\"status\":\"completed\"", batch.path("id").asString());
        assertThat(batch.at("/metadata/job").asString()).isEqualTo("curl");
        assertServedAsListed(batch, work.resolve("results.jsonl"));
        assertThat(Files.readAllLines(work.resolve("errors.jsonl"))).hasSize((int) batch.at("/request_counts/failed").asLong());
    }

    @Test
    void shouldRefuseAnUploadLargerThanTheLimitInOpenAisShape() throws Exception {
        byte[] big = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        GatewayClient client = new GatewayClient(baseUrl, "sk-bob-1");
        byte[] body = GatewayClient.multipartBody("big.jsonl", big);

        HttpResponse<String> answer = HttpClient.newHttpClient().send(client.request("/files")
                .header("Content-Type", "multipart/form-data; boundary=" + GatewayClient.BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
        JsonNode error = json(answer.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("file_too_large");
        assertThat(error.path("param").asString()).isEqualTo("file");
        assertThat(error.path("message").asString()).contains("1 MB", "--max-file-size");
        assertThat(client.get("/files").path("data").values()).isEmpty();
    }

    /** A completed 6-line batch (5 served, 1 unknown model) whose downloaded files equal what {@code dmap collect} writes. */
    private static void assertCompletedAsCollected(JsonNode batch, Path out, String job) throws Exception {
        assertThat(batch.path("status").asString()).isEqualTo("completed");
        assertThat(batch.at("/request_counts/total").asLong()).isEqualTo(6);
        assertThat(batch.at("/request_counts/completed").asLong()).isEqualTo(5);
        assertThat(batch.at("/request_counts/failed").asLong()).isEqualTo(1);
        assertThat(batch.at("/metadata/job").asString()).isEqualTo(job);
        Path collected = out.resolve("collected.jsonl");
        Path collectedErrors = out.resolve("collected.errors.jsonl");
        CollectSummary summary = new Collector(KafkaConnection.of(fleet.broker.bootstrapServers(), "dmap")).collect(
                batch.path("id").asString(), new OutputFiles(collected, collectedErrors), Collector.Options.DEFAULT.withPatience(Duration.ofMinutes(1)).fresh(true), ProgressListener.NONE);
        assertThat(summary.complete()).isTrue();
        assertThat(sorted(out.resolve("output.jsonl"))).hasSize(5).isEqualTo(sorted(collected));
        assertThat(sorted(out.resolve("errors.jsonl"))).hasSize(1).isEqualTo(sorted(collectedErrors));
        assertThat(MessageCodec.mapper().readTree(sorted(out.resolve("errors.jsonl")).get(0)).at("/error/code").asString())
                .isEqualTo("model_not_found");
    }

    private static void assertCancelled(JsonNode cancel) {
        assertThat(cancel.path("answered").asString()).isEqualTo("cancelling");
        assertThat(cancel.path("status").asString()).isEqualTo("cancelled");
        assertThat(cancel.at("/request_counts/total").asLong()).isEqualTo(300);
        assertThat(cancel.at("/request_counts/failed").asLong()).isPositive();
        assertThat(cancel.at("/request_counts/completed").asLong() + cancel.at("/request_counts/failed").asLong()).isEqualTo(300);
    }

    /** bob's key sees none of the caller's objects (404, as OpenAI answers) and a wrong key gets 401. */
    private static void assertIsolated(JsonNode seen) {
        JsonNode other = seen.path("otherKey");
        assertThat(other.path("retrieveBatch").asInt()).isEqualTo(404);
        assertThat(other.path("cancelBatch").asInt()).isEqualTo(404);
        assertThat(other.path("retrieveFile").asInt()).isEqualTo(404);
        assertThat(other.path("downloadOutput").asInt()).isEqualTo(404);
        assertThat(other.path("listedBatches").asInt()).isZero();
        assertThat(seen.path("wrongKey").asInt()).isEqualTo(401);
    }

    /** The example's results file holds one served line per completed request, each a request of the input file. */
    private static void assertServedAsListed(JsonNode batch, Path results) throws Exception {
        List<String> inputIds = Files.readAllLines(ROOT.resolve("examples/openai-batch.jsonl")).stream()
                .map(line -> MessageCodec.mapper().readTree(line).path("custom_id").asString()).toList();
        assertThat(batch.path("status").asString()).isEqualTo("completed");
        assertThat(batch.at("/request_counts/total").asLong()).isEqualTo(inputIds.size());
        List<JsonNode> served = Files.readAllLines(results).stream().filter(line -> !line.isBlank())
                .map(line -> MessageCodec.mapper().readTree(line)).toList();
        assertThat(served).hasSize((int) batch.at("/request_counts/completed").asLong()).isNotEmpty()
                .allSatisfy(line -> assertThat(line.at("/response/status_code").asInt()).isEqualTo(200));
        assertThat(served.stream().map(line -> line.path("custom_id").asString()).toList()).doesNotHaveDuplicates()
                .isSubsetOf(inputIds);
    }

    /** The one batch the key's owner has, read from the gateway. */
    private static JsonNode onlyBatchOf(String key) throws Exception {
        HttpResponse<String> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl + "/batches"))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(listed.statusCode()).isEqualTo(200);
        List<JsonNode> data = MessageCodec.mapper().readTree(listed.body()).path("data").values().stream().toList();
        assertThat(data).hasSize(1);
        return data.get(0);
    }

    /** The fenced block of {@code fence} after {@code anchor} in a doc of the repository, pointed at this gateway. */
    private static String docsBlock(String doc, String anchor, String fence, String key) throws Exception {
        String text = Files.readString(ROOT.resolve(doc));
        int from = text.indexOf(fence + "\n", text.indexOf(anchor));
        assertThat(text.indexOf(anchor)).as("%s in %s", anchor, doc).isNotNegative();
        assertThat(from).as("%s block after %s in %s", fence, anchor, doc).isNotNegative();
        String block = text.substring(from + fence.length() + 1, text.indexOf("```", from + fence.length()));
        assertThat(block).as("the %s block of %s", fence, doc).contains(DOCS_URL, DOCS_KEY);
        return block.replace(DOCS_URL, baseUrl).replace(DOCS_KEY, key);
    }

    /** A working directory with the repository's examples/ in it, as a user running the docs would have. */
    private static Path examplesCopy(String name) throws Exception {
        Path work = Files.createDirectories(dir.resolve(name).resolve("examples"));
        Files.copy(ROOT.resolve("examples/openai-batch.jsonl"), work.resolve("openai-batch.jsonl"));
        return work.getParent();
    }

    private static Path flowInput(Path in) throws Exception {
        List<String> lines = new ArrayList<>();
        IntStream.range(0, 5).forEach(i -> lines.add(ChatLine.of("ok-" + i, QWEN).maxTokens(16).json()));
        lines.add(ChatLine.of("missing-model", "no-such-model").maxTokens(16).json());
        return Files.write(in.resolve("input.jsonl"), lines);
    }

    private static Path slowInput(Path in) throws Exception {
        return Files.write(in.resolve("slow.jsonl"), IntStream.range(0, 300)
                .mapToObj(i -> ChatLine.of("slow-" + i, QWEN).maxTokens(2000).json()).toList());
    }

    private static void requirePythonSdk() {
        ForeignClients.require(Files.isExecutable(PYTHON), "DMAP_REQUIRE_OPENAI_PYTHON",
                "the openai Python package (bash gateway/src/test/python/setup-sdk.sh)");
    }

    private static String src(String relative) {
        return Path.of("src/test").resolve(relative).toAbsolutePath().toString();
    }

    private static JsonNode node(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node"));
        command.addAll(List.of(args));
        return json(run(command, dir, Map.of("NODE_PATH", SDK.getParent().toString())));
    }

    /** Runs a foreign program to its end (5 minutes at most) and returns its standard output; it must exit 0. */
    private static String run(List<String> command, Path workDir, Map<String, String> env) throws Exception {
        return Programs.run(command, workDir, env);
    }

    private static JsonNode json(String text) {
        return MessageCodec.mapper().readTree(text);
    }


    private static List<String> sorted(Path file) throws Exception {
        return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).sorted().toList();
    }

    private static boolean onPath(String program) {
        return Programs.onPath(program);
    }
}
