package dev.dmap.devkit.emulator;

import static dev.dmap.devkit.emulator.EmulatorHttp.chat;
import static dev.dmap.devkit.emulator.EmulatorHttp.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The emulator over real HTTP under faults, crashes and concurrency. */
class LmStudioEmulatorFaultsIT {
    private static final String QWEN = "qwen2.5-7b-instruct";
    private static final String LLAMA = "meta-llama-3.1-8b-instruct";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private LmStudioEmulator emulator;
    private EmulatorHttp http;

    private void start(UnaryOperator<EmulatorConfig.Builder> settings) {
        emulator = LmStudioEmulator.start(settings.apply(EmulatorConfig.builder().timeScale(0)).build());
        http = new EmulatorHttp(emulator.baseUrl());
    }

    /** Real time, one token per second: every call generates for at least 16 s unless cut. */
    private static EmulatorConfig.Builder slowGeneration(EmulatorConfig.Builder builder) {
        return builder.timeScale(1).decodeTokensPerSecond(1).loadOverhead(Duration.ZERO).loadBytesPerSecond(1e13);
    }

    private void awaitGenerating(String model) {
        await().atMost(PATIENCE).until(() -> emulator.stats().maxConcurrentByModel().getOrDefault(model, 0) >= 1);
    }

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void shouldFailTheNextCallWithTheInjectedStatus() throws Exception {
        start(b -> b);
        emulator.faults().failNext(1, 503);

        EmulatorHttp.Answer failed = http.post("/v1/chat/completions", chat(QWEN, "hi"));
        EmulatorHttp.Answer retried = http.post("/v1/chat/completions", chat(QWEN, "hi"));

        assertThat(failed.status()).isEqualTo(503);
        assertThat(failed.json().path("error").path("type").asString()).isEqualTo("server_error");
        assertThat(failed.json().path("error").path("message").asString()).endsWith("(emulated fault)");
        assertThat(retried.status()).isEqualTo(200);
        assertThat(emulator.stats().injectedFaults()).isEqualTo(1);
        assertThat(emulator.stats().inferenceCallsByModel()).containsEntry(QWEN, 2);
    }

    @Test
    void shouldDropTheConnectionWithoutAnyResponse() {
        start(b -> b);
        emulator.faults().dropRate(1);

        assertThatThrownBy(() -> http.post("/v1/chat/completions", chat(QWEN, "hi"))).isInstanceOf(IOException.class);
    }

    @Test
    void shouldFailLoadsOfAFailingModelExplicitAndJit() throws Exception {
        start(b -> b);
        emulator.faults().failLoads(QWEN);

        EmulatorHttp.Answer explicit = http.post("/api/v1/models/load", load(QWEN));
        EmulatorHttp.Answer jit = http.post("/v1/chat/completions", chat(QWEN, "hi"));
        emulator.faults().clearFailLoads();

        assertThat(explicit.status()).isEqualTo(500);
        assertThat(explicit.json().path("error").path("type").asString()).isEqualTo("model_load_failed");
        assertThat(jit.status()).isEqualTo(500);
        assertThat(jit.json().path("error").path("type").asString()).isEqualTo("model_load_failed");
        assertThat(http.post("/api/v1/models/load", load(QWEN)).status()).isEqualTo(200);
        assertThat(emulator.stats().injectedFaults()).isEqualTo(2);
    }

    @Test
    void shouldRefuseConnectionsAfterACrashAndComeBackEmpty() throws Exception {
        start(b -> b);
        emulator.preload(QWEN);
        int port = emulator.port();

        emulator.crash();

        assertThat(emulator.running()).isFalse();
        assertThatThrownBy(() -> http.get("/api/v1/models")).isInstanceOf(ConnectException.class);
        emulator.restart();
        assertThat(emulator.port()).isEqualTo(port);
        JsonNode models = http.get("/api/v1/models").json().path("models");
        assertThat(models.values()).allSatisfy(m -> assertThat(m.path("loaded_instances").isEmpty()).isTrue());
        assertThat(emulator.stats().loadedInstanceIds()).isEmpty();
    }

    @Test
    void shouldCutCallsInFlightWhenItCrashes() {
        start(LmStudioEmulatorFaultsIT::slowGeneration);
        emulator.preload(QWEN);
        CompletableFuture<EmulatorHttp.Answer> inFlight = http.postAsync("/v1/chat/completions", chat(QWEN, "long"));
        awaitGenerating(QWEN);

        emulator.crash();

        assertThat(inFlight).failsWithin(PATIENCE).withThrowableThat().withCauseInstanceOf(IOException.class);
    }

    @Test
    void shouldFailCallsOfAnAutoEvictedModelWithModelUnloaded() {
        start(LmStudioEmulatorFaultsIT::slowGeneration);
        CompletableFuture<EmulatorHttp.Answer> evicted = http.postAsync("/v1/chat/completions", chat(QWEN, "long"));
        awaitGenerating(QWEN);

        http.postAsync("/v1/chat/completions", chat(LLAMA, "evict qwen"));

        EmulatorHttp.Answer answer = evicted.join();
        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.json().path("error").path("message").asString()).contains("Model unloaded");
        assertThat(emulator.stats().unloadsByModel()).containsEntry(QWEN, 1);
    }

    @Test
    void shouldCrashAndRestartThroughTheControlSurface() throws Exception {
        start(b -> b);
        emulator.preload(QWEN);

        EmulatorHttp.Answer answer = http.post("/__emulator/crash?down_ms=50", "{}");

        assertThat(answer.status()).isEqualTo(200);
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            assertThat(emulator.running()).isTrue();
            assertThat(http.get("/api/v1/models").json().path("models").get(0).path("loaded_instances").isEmpty())
                    .isTrue();
        });
    }

    @Test
    void shouldSetFaultsAndReportStatsThroughTheControlSurface() throws Exception {
        start(b -> b);

        http.post("/__emulator/faults", "{\"fail_next\":{\"count\":1,\"status\":503}}");
        EmulatorHttp.Answer failed = http.post("/v1/chat/completions", chat(QWEN, "hi"));
        JsonNode stats = http.get("/__emulator/stats").json();

        assertThat(failed.status()).isEqualTo(503);
        assertThat(stats.path("injected_faults").asInt()).isEqualTo(1);
        assertThat(stats.path("inference_calls_by_model").path(QWEN).asInt()).isEqualTo(1);
        assertThat(stats.path("total_inference_calls").asInt()).isEqualTo(1);
        assertThat(http.post("/__emulator/faults", "{\"drop_rate\":2}").status()).isEqualTo(400);
    }

    @Test
    void shouldNeverGenerateMoreCallsAtOnceThanTheInstanceHasSlots() {
        start(b -> b.timeScale(0.2).parallelSlots(4));
        emulator.preload(QWEN);

        List<EmulatorHttp.Answer> answers = IntStream.range(0, 12)
                .mapToObj(i -> http.postAsync("/v1/chat/completions", chat(QWEN, "question " + i)))
                .toList().stream().map(CompletableFuture::join).toList();

        assertThat(answers).allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
        assertThat(emulator.stats().maxConcurrentByModel().get(QWEN)).isBetween(1, 4);
        assertThat(emulator.stats().inferenceCallsByModel()).containsEntry(QWEN, 12);
    }

    @Test
    void shouldStartDuplicateInstancesForConcurrentJitCallsLikeLmStudio() {
        start(b -> b.timeScale(0.2).memoryBudgetBytes(16_000_000_000L));

        List<EmulatorHttp.Answer> answers = IntStream.range(0, 3)
                .mapToObj(i -> http.postAsync("/v1/chat/completions", chat(QWEN, "hi " + i)))
                .toList().stream().map(CompletableFuture::join).toList();

        assertThat(answers).allSatisfy(a -> assertThat(a.status()).isEqualTo(200));
        assertThat(emulator.stats().maxInstancesOfOneModel()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldStreamTheSameContentAsServerSentEvents() throws Exception {
        start(b -> b);
        String plain = http.post("/v1/chat/completions", chat(QWEN, "stream me")).json()
                .path("choices").get(0).path("message").path("content").asString();

        String events = http.post("/v1/chat/completions", "{\"model\":\"" + QWEN + "\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"stream me\"}]}").text();

        StringBuilder streamed = new StringBuilder();
        events.lines().filter(line -> line.startsWith("data: {")).map(line -> Json.MAPPER.readTree(line.substring(6)))
                .forEach(chunk -> streamed.append(chunk.path("choices").get(0).path("delta").path("content").asString("")));
        assertThat(events).startsWith("data: ").endsWith("data: [DONE]\n\n");
        assertThat(streamed.toString()).isEqualTo(plain);
    }
}
