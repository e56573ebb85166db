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
import dev.dmap.schemas.testing.ForeignClients;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.BatchSettings;
import dev.dmap.worker.config.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * OpenAI's own Node SDK, unchanged but for its base URL and key, runs the Batch flow against the
 * gateway, a real broker, a worker with its batch tracker and the LM Studio emulator: upload, create,
 * poll, download output and error files (compared with what {@code dmap collect} writes), cancel,
 * list with pagination; another key's owner sees none of it and a wrong key gets OpenAI's 401.
 */
class GatewaySdkIT {
    private static final Path SDK = Path.of(System.getenv().getOrDefault("DMAP_OPENAI_NODE",
            System.getProperty("user.home") + "/.cache/dmap/openai-node"), "node_modules", "openai");
    private static final String QWEN = "qwen2.5-7b-instruct";
    private static LocalBroker broker;
    private static LmStudioEmulator gpu;
    private static Worker worker;
    private static ConfigurableApplicationContext gateway;
    private static String baseUrl;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        ForeignClients.require(Files.isDirectory(SDK) && onPath("node"), "DMAP_REQUIRE_OPENAI_SDK",
                "the openai npm package (npm install --prefix ~/.cache/dmap/openai-node openai) and node");
        broker = LocalBroker.startTemporary();
        gpu = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(0.2).build());
        WorkerConfig config = WorkerConfig.defaults("gateway-worker", broker.bootstrapServers(), gpu.baseUrl());
        config = config.withBackend(config.backend().withUnloadCooldown(Duration.ofMillis(20)))
                .withBatches(new BatchSettings(true, dir.resolve("tracker"), BatchSettings.DEFAULT_RETENTION));
        worker = Worker.start(config, new SimpleMeterRegistry());
        Path keys = dir.resolve("keys.txt");
        Files.writeString(keys, "# key owner\nsk-alice-1 alice\nsk-bob-1 bob\n");
        gateway = GatewayApplication.start(new String[] {
                "--port", "0", "--bootstrap-servers", broker.bootstrapServers(), "--api-keys-file", keys.toString(),
                "--dir", dir.resolve("gateway").toString()});
        baseUrl = "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port") + "/v1";
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
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

    @Test
    void shouldRunTheWholeBatchFlowWithTheOfficialNodeSdk() throws Exception {
        List<String> lines = new ArrayList<>();
        IntStream.range(0, 5).forEach(i -> lines.add(ChatLine.of("ok-" + i, QWEN).maxTokens(16).json()));
        lines.add(ChatLine.of("missing-model", "no-such-model").maxTokens(16).json());
        Path input = Files.write(dir.resolve("input.jsonl"), lines);
        Path slow = Files.write(dir.resolve("slow.jsonl"), IntStream.range(0, 300)
                .mapToObj(i -> ChatLine.of("slow-" + i, QWEN).maxTokens(2000).json()).toList());
        Path responses = Files.write(dir.resolve("responses.jsonl"), IntStream.range(0, 3).mapToObj(i -> "{\"custom_id\":\"r-" + i
                + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"" + QWEN
                + "\",\"input\":\"Say hello " + i + "\",\"max_output_tokens\":16}}").toList());
        Path bad = Files.write(dir.resolve("bad.jsonl"), List.of(ChatLine.of("fine", QWEN).json(), "{\"custom_id\": \"broken\",",
                "{\"custom_id\":\"fine-2\",\"method\":\"POST\",\"url\":\"/v1/completions\",\"body\":{\"model\":\"" + QWEN
                        + "\",\"prompt\":\"Once upon\"}}"));
        Path out = Files.createDirectories(dir.resolve("sdk"));

        JsonNode seen = runSdk(input, slow, responses, bad, out);

        JsonNode batch = seen.path("batch");
        assertThat(batch.path("status").asString()).isEqualTo("completed");
        assertThat(batch.at("/request_counts/total").asLong()).isEqualTo(6);
        assertThat(batch.at("/request_counts/completed").asLong()).isEqualTo(5);
        assertThat(batch.at("/request_counts/failed").asLong()).isEqualTo(1);
        assertThat(batch.at("/usage/input_tokens").asLong()).isPositive();
        assertThat(batch.at("/usage/output_tokens").asLong()).isPositive();
        assertThat(batch.at("/metadata/job").asString()).isEqualTo("sdk-test");
        assertThat(batch.path("completed_at").isNumber()).isTrue();

        Path collected = dir.resolve("collected.jsonl");
        Path collectedErrors = dir.resolve("collected.errors.jsonl");
        CollectSummary summary = new Collector(KafkaOptions.of(broker.bootstrapServers(), "dmap")).collect(
                batch.path("id").asString(), new OutputFiles(collected, collectedErrors), Duration.ofMinutes(1), false, false, true);
        assertThat(summary.complete()).isTrue();
        assertThat(sorted(out.resolve("output.jsonl"))).hasSize(5).isEqualTo(sorted(collected));
        assertThat(sorted(out.resolve("errors.jsonl"))).hasSize(1).isEqualTo(sorted(collectedErrors));
        assertThat(MessageCodec.mapper().readTree(sorted(out.resolve("errors.jsonl")).get(0)).at("/error/code").asString())
                .isEqualTo("model_not_found");

        JsonNode cancel = seen.path("cancel");
        assertThat(cancel.path("answered").asString()).isEqualTo("cancelling");
        assertThat(cancel.path("status").asString()).isEqualTo("cancelled");
        assertThat(cancel.at("/request_counts/total").asLong()).isEqualTo(300);
        assertThat(cancel.at("/request_counts/failed").asLong()).isPositive();
        assertThat(cancel.at("/request_counts/completed").asLong() + cancel.at("/request_counts/failed").asLong()).isEqualTo(300);

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

        JsonNode other = seen.path("otherKey");
        assertThat(other.path("retrieveBatch").asInt()).isEqualTo(404);
        assertThat(other.path("cancelBatch").asInt()).isEqualTo(404);
        assertThat(other.path("retrieveFile").asInt()).isEqualTo(404);
        assertThat(other.path("downloadOutput").asInt()).isEqualTo(404);
        assertThat(other.path("listedBatches").asInt()).isZero();
        assertThat(seen.path("wrongKey").asInt()).isEqualTo(401);
    }

    private static JsonNode runSdk(Path input, Path slow, Path responses, Path bad, Path out) throws Exception {
        Path script = Path.of("src/test/js/batch-flow.cjs").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder("node", script.toString(), baseUrl, "sk-alice-1", "sk-bob-1",
                input.toString(), slow.toString(), responses.toString(), bad.toString(), out.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("NODE_PATH", SDK.getParent().toString());
        Process node = builder.start();
        byte[] stdout = node.getInputStream().readAllBytes();
        assertThat(node.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(node.exitValue()).as("node batch-flow.cjs: %s", new String(stdout, StandardCharsets.UTF_8)).isZero();
        return MessageCodec.mapper().readTree(stdout);
    }

    private static List<String> sorted(Path file) throws Exception {
        return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).sorted().toList();
    }

    private static boolean onPath(String program) {
        try {
            return new ProcessBuilder(program, "--version").redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }
}
