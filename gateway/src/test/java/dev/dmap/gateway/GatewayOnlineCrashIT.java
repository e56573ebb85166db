package dev.dmap.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.client.KafkaConnection;
import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.gateway.app.GatewayApplication;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.kafka.TopicScan;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A worker SIGKILLed while it serves interactive calls, whole and streamed: every call is answered,
 * or fails with a clear error; a streamed answer never repeats text (a second attempt after text
 * went out ends the stream with an error event); each call's terminal record lands once.
 */
class GatewayOnlineCrashIT {
    private static final Logger log = LoggerFactory.getLogger(GatewayOnlineCrashIT.class);
    private static final List<String> MODELS = List.of("qwen2.5-7b-instruct", "meta-llama-3.1-8b-instruct");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final List<Process> workers = new ArrayList<>();
    private final List<LmStudioEmulator> gpus = new ArrayList<>();
    private LocalBroker broker;
    private ConfigurableApplicationContext gateway;
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        workers.forEach(Process::destroyForcibly);
        if (gateway != null) {
            gateway.close();
        }
        gpus.forEach(LmStudioEmulator::close);
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldAnswerEveryCallOnceWhenAWorkerIsKilledMidway() throws Exception {
        broker = LocalBroker.startTemporary();
        for (int i = 0; i < 2; i++) {
            // 20 tokens a second: a call of 16 to 96 tokens is at the backend for one to five seconds
            gpus.add(LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(1.0).decodeTokensPerSecond(20)
                    .loadOverhead(Duration.ofMillis(50)).loadBytesPerSecond(100e9).build()));
        }
        workers.add(worker(0));
        workers.add(worker(1));
        gateway = GatewayApplication.start("--port", "0", "--address", "127.0.0.1", "--bootstrap-servers",
                broker.bootstrapServers(), "--dir", dir.resolve("gateway").toString());
        String base = "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port");
        awaitFleet(base);

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean stream = i % 2 == 0;
            String body = "{\"model\":\"" + MODELS.get(i % 4 < 2 ? 0 : 1) + "\",\"max_tokens\":96" + (stream ? ",\"stream\":true" : "")
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"Crash call " + i + "\"}]}";
            calls.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        // the victim: the worker whose backend serves calls, once its slots are full and its streams under way
        await("a backend serving calls").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> gpus.stream().anyMatch(gpu -> gpu.stats().totalInferenceCalls() >= 4));
        int victim = gpus.get(0).stats().totalInferenceCalls() >= 4 ? 0 : 1;
        workers.get(victim).destroyForcibly(); // SIGKILL: its calls' outcomes are neither replied nor committed
        workers.get(victim).waitFor();
        workers.set(victim, worker(victim)); // static membership: it takes its partitions back at once

        Map<String, String> answered = new HashMap<>();
        int interrupted = 0;
        int failed = 0;
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get();
            String id = response.headers().firstValue("X-Dmap-Request-Id").orElseThrow();
            if (response.statusCode() != 200) {
                failed++;
                assertThat(MessageCodec.mapper().readTree(response.body()).at("/error/message").asString()).isNotBlank();
                continue;
            }
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                List<JsonNode> events = events(response.body());
                if (events.get(events.size() - 1).has("error")) {
                    interrupted++;
                    assertThat(events.get(events.size() - 1).at("/error/code").asString()).isEqualTo("stream_interrupted");
                    continue;
                }
                assertThat(response.body().stripTrailing()).endsWith("data: [DONE]");
                answered.put(id, events.stream().map(event -> event.at("/choices/0/delta/content").asString(""))
                        .reduce("", String::concat));
            } else {
                answered.put(id, MessageCodec.mapper().readTree(response.body()).at("/choices/0/message/content").asString());
            }
        }
        log.info("{} answered, {} streams cut, {} failed", answered.size(), interrupted, failed);
        assertThat(answered.size() + interrupted + failed).isEqualTo(40);
        assertThat(answered.size()).as("the survivor and the restarted worker answer the rest").isGreaterThanOrEqualTo(30);

        // a call the killed worker answered before its transaction committed is served again by its successor
        Map<String, List<JsonNode>> results = new HashMap<>();
        await("a result for every answered call").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).until(() -> {
            results.clear();
            TopicScan.readAll(KafkaConnection.of(broker.bootstrapServers(), "dmap").scanProperties(), List.of("dmap.results"),
                    record -> results.computeIfAbsent(new String(record.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                            .add(MessageCodec.mapper().readTree(record.value())));
            return results.keySet().containsAll(answered.keySet());
        });
        answered.forEach((id, content) -> {
            assertThat(results.get(id)).as("one result for %s", id).hasSize(1);
            assertThat(results.get(id).get(0).at("/response/body/choices/0/message/content").asString())
                    .as("what the caller got is what was recorded, no text twice").isEqualTo(content);
        });
        assertThat(results.values()).allSatisfy(list -> assertThat(list).hasSize(1));
    }

    private Process worker(int index) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.dmap.worker.app.WorkerApplication", "--server.port=0", "--spring.main.banner-mode=off",
                "--logging.level.root=WARN", "--logging.level.dev.dmap=INFO",
                "--dmap.worker-id=crash-worker-" + index, "--dmap.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--dmap.backend.url=" + gpus.get(index).baseUrl(), "--dmap.backend.unload-cooldown=10ms");
        File out = dir.resolve("worker-" + index + "-" + System.nanoTime() + ".log").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out).start();
    }

    /** Both models listed, and a call for each answered: the workers read the online topics the gateway made. */
    private static void awaitFleet(String base) {
        await("the workers' models").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                .until(() -> MODELS.stream().allMatch(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(),
                        HttpResponse.BodyHandlers.ofString()).body()::contains));
        for (String model : MODELS) {
            await("a first call for " + model).atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"model\":\""
                                    + model + "\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"ready?\"}]}"))
                            .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        }
    }

    private static List<JsonNode> events(String body) {
        List<JsonNode> events = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.startsWith("data: {")) {
                events.add(MessageCodec.mapper().readTree(event.substring("data: ".length())));
            }
        }
        return events;
    }
}
