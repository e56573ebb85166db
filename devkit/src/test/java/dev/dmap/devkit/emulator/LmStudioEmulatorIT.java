package dev.dmap.devkit.emulator;

import static dev.dmap.devkit.emulator.EmulatorHttp.chat;
import static dev.dmap.devkit.emulator.EmulatorHttp.load;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.PromptTokens;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The emulator over real HTTP: inference shapes, loading, JIT, errors and auth, with time scale 0. */
class LmStudioEmulatorIT {
    private static final String QWEN = "qwen2.5-7b-instruct";
    private static final String LLAMA = "meta-llama-3.1-8b-instruct";
    private static final String NOMIC = "text-embedding-nomic-embed-text-v1.5";

    private LmStudioEmulator emulator;
    private EmulatorHttp http;

    private void start(UnaryOperator<EmulatorConfig.Builder> settings) {
        emulator = LmStudioEmulator.start(settings.apply(EmulatorConfig.builder().timeScale(0)).build());
        http = new EmulatorHttp(emulator.baseUrl());
    }

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void shouldAnswerAnExplicitLoadWithLmStudiosLoadShape() throws Exception {
        start(b -> b);

        JsonNode loaded = http.post("/api/v1/models/load",
                "{\"model\":\"" + QWEN + "\",\"context_length\":16384,\"echo_load_config\":true}").json();

        assertThat(loaded.path("type").asString()).isEqualTo("llm");
        assertThat(loaded.path("instance_id").asString()).isEqualTo(QWEN);
        assertThat(loaded.path("load_time_seconds").asDouble()).isPositive();
        assertThat(loaded.path("status").asString()).isEqualTo("loaded");
        assertThat(loaded.path("load_config").path("context_length").asInt()).isEqualTo(16384);
        assertThat(loaded.path("load_config").path("eval_batch_size").asInt()).isEqualTo(512);
        assertThat(emulator.stats().loadsByModel()).containsEntry(QWEN, 1);
    }

    @Test
    void shouldChatWithAnExplicitlyLoadedModelInOpenAiShape() throws Exception {
        start(b -> b);
        http.post("/api/v1/models/load", load(QWEN));

        EmulatorHttp.Answer answer = http.post("/v1/chat/completions", chat(QWEN, "Say hello"));
        JsonNode body = answer.json();
        JsonNode choice = body.path("choices").get(0);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(body.path("id").asString()).startsWith("chatcmpl-");
        assertThat(body.path("object").asString()).isEqualTo("chat.completion");
        assertThat(body.path("created").asLong()).isPositive();
        assertThat(body.path("model").asString()).isEqualTo(QWEN);
        assertThat(body.path("system_fingerprint").asString()).isEqualTo(QWEN); // LM Studio's: the model id
        assertThat(body.path("stats").isObject()).isTrue();
        assertThat(choice.path("index").asInt()).isZero();
        assertThat(choice.path("logprobs").isNull()).isTrue();
        assertThat(choice.path("finish_reason").asString()).isEqualTo("stop");
        assertThat(choice.path("message").path("role").asString()).isEqualTo("assistant");
        assertThat(choice.path("message").path("content").asString()).startsWith("[LM Studio emulator] ");
        assertThat(emulator.stats().loadsByModel()).containsEntry(QWEN, 1);
    }

    @Test
    void shouldBillUsageWithTheSharedPromptFormulaAndTheTrueCompletionCount() throws Exception {
        start(b -> b);

        JsonNode body = http.post("/v1/chat/completions", chat(QWEN, "Say hello")).json();
        JsonNode usage = body.path("usage");
        String content = body.path("choices").get(0).path("message").path("content").asString();

        assertThat(usage.path("prompt_tokens").asInt())
                .isEqualTo(PromptTokens.count(Json.MAPPER.readTree(chat(QWEN, "Say hello")), "/v1/chat/completions"));
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(PromptTokens.countText(content));
        assertThat(usage.path("total_tokens").asInt())
                .isEqualTo(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt());
    }

    @Test
    void shouldServeCompletionsEmbeddingsAndTheNativeV0Extras() throws Exception {
        start(b -> b);

        JsonNode completion = http.post("/v1/completions", "{\"model\":\"" + QWEN + "\",\"prompt\":\"Once\"}").json();
        JsonNode embeddings = http.post("/v1/embeddings", "{\"model\":\"" + NOMIC + "\",\"input\":[\"a\",\"b\"]}").json();
        JsonNode nativeChat = http.post("/api/v0/chat/completions", chat(QWEN, "hi")).json();

        assertThat(completion.path("id").asString()).startsWith("cmpl-");
        assertThat(completion.path("object").asString()).isEqualTo("text_completion");
        assertThat(completion.path("choices").get(0).path("text").asString()).startsWith("[LM Studio emulator]");
        assertThat(completion.path("usage").path("prompt_tokens").asInt()).isEqualTo(PromptTokens.countText("Once"));
        assertThat(embeddings.path("object").asString()).isEqualTo("list");
        assertThat(embeddings.path("data")).hasSize(2);
        assertThat(embeddings.path("data").get(1).path("object").asString()).isEqualTo("embedding");
        assertThat(embeddings.path("data").get(1).path("index").asInt()).isEqualTo(1);
        assertThat(embeddings.path("data").get(1).path("embedding")).hasSize(16);
        assertThat(embeddings.path("model").asString()).isEqualTo(NOMIC);
        assertThat(embeddings.path("usage").path("prompt_tokens").asInt()).isEqualTo(2);
        assertThat(nativeChat.path("stats").path("stop_reason").asString()).isEqualTo("eosFound");
        assertThat(nativeChat.path("model_info").path("context_length").asInt()).isEqualTo(4096);
        assertThat(nativeChat.path("runtime").path("supported_formats").get(0).asString()).isEqualTo("gguf");
    }

    @Test
    void shouldUnloadAnInstance() throws Exception {
        start(b -> b);
        http.post("/api/v1/models/load", load(QWEN));

        EmulatorHttp.Answer unloaded = http.post("/api/v1/models/unload", "{\"instance_id\":\"" + QWEN + "\"}");

        assertThat(unloaded.status()).isEqualTo(200);
        assertThat(unloaded.json().path("instance_id").asString()).isEqualTo(QWEN);
        assertThat(http.get("/api/v1/models").json().path("models").get(0).path("loaded_instances").isEmpty()).isTrue();
        assertThat(http.post("/api/v1/models/unload", "{\"instance_id\":\"" + QWEN + "\"}").status()).isEqualTo(404);
        assertThat(emulator.stats().unloadsByModel()).containsEntry(QWEN, 1);
    }

    @Test
    void shouldRefuseAnExplicitLoadOverTheMemoryBudget() throws Exception {
        start(b -> b.memoryBudgetBytes(6_000_000_000L));
        http.post("/api/v1/models/load", load(QWEN));

        EmulatorHttp.Answer refused = http.post("/api/v1/models/load", load(LLAMA));

        assertThat(refused.status()).isEqualTo(500);
        assertThat(refused.json().path("error").path("type").asString()).isEqualTo("model_load_failed");
        assertThat(refused.json().path("error").path("message").asString()).contains("insufficient system resources");
        assertThat(emulator.stats().loadedInstanceIds()).containsExactly(QWEN);
    }

    @Test
    void shouldCreateADuplicateInstanceOnASecondExplicitLoad() throws Exception {
        start(b -> b.memoryBudgetBytes(16_000_000_000L));

        http.post("/api/v1/models/load", load(QWEN));
        JsonNode second = http.post("/api/v1/models/load", load(QWEN)).json();

        assertThat(second.path("instance_id").asString()).isEqualTo(QWEN + ":2");
        assertThat(emulator.stats().maxInstancesOfOneModel()).isEqualTo(2);
        assertThat(http.post("/v1/chat/completions", chat(QWEN + ":2", "hi")).json().path("model").asString())
                .isEqualTo(QWEN + ":2");
        assertThat(http.post("/v1/chat/completions", chat(QWEN, "hi")).json().path("model").asString()).isEqualTo(QWEN);
    }

    @Test
    void shouldJitLoadAndAutoEvictTheEarlierJitModel() throws Exception {
        start(b -> b);

        assertThat(http.post("/v1/chat/completions", chat(QWEN, "hi")).status()).isEqualTo(200);
        assertThat(http.post("/v1/chat/completions", chat(LLAMA, "hi")).status()).isEqualTo(200);

        EmulatorStats stats = emulator.stats();
        assertThat(stats.loadedInstanceIds()).containsExactly(LLAMA);
        assertThat(stats.loadsByModel()).containsEntry(QWEN, 1).containsEntry(LLAMA, 1);
        assertThat(stats.unloadsByModel()).containsEntry(QWEN, 1);
    }

    @Test
    void shouldAnswerContextOverflowWithLmStudiosErrorString() throws Exception {
        start(b -> b);
        http.post("/api/v1/models/load", "{\"model\":\"" + QWEN + "\",\"context_length\":64}");
        String body = chat(QWEN, "word ".repeat(100));
        int promptTokens = PromptTokens.count(Json.MAPPER.readTree(body), "/v1/chat/completions");

        EmulatorHttp.Answer answer = http.post("/v1/chat/completions", body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error").isString()).isTrue();
        assertThat(answer.json().path("error").asString()).isEqualTo("The number of tokens to keep from the initial"
                + " prompt is greater than the context length (n_keep: " + promptTokens + ">= n_ctx: 64). Try to load"
                + " the model with a larger context length, or provide a shorter input.");
    }

    @Test
    void shouldRejectAnUnknownModelWithModelNotFound() throws Exception {
        start(b -> b);

        EmulatorHttp.Answer answer = http.post("/v1/chat/completions", chat("o4-mini", "hi"));
        JsonNode error = answer.json().path("error");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(error.path("message").asString()).startsWith("Invalid model identifier \"o4-mini\". Please specify"
                + " a valid downloaded model (e.g., " + QWEN);
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asString()).isEqualTo("model");
        assertThat(error.path("code").asString()).isEqualTo("model_not_found");
    }

    @Test
    void shouldSayNoModelsLoadedWhenJitIsOff() throws Exception {
        start(b -> b.jit(false));

        EmulatorHttp.Answer answer = http.post("/v1/chat/completions", chat(QWEN, "hi"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error").path("message").asString()).startsWith("No models loaded.");
        assertThat(answer.json().path("error").path("code").isNull()).isTrue();
    }

    @Test
    void shouldRequireTheBearerTokenWhenAuthIsOn() throws Exception {
        start(b -> b.apiKey("secret-token"));
        EmulatorHttp wrong = new EmulatorHttp(emulator.baseUrl(), "wrong");
        EmulatorHttp right = new EmulatorHttp(emulator.baseUrl(), "secret-token");

        assertThat(http.get("/api/v1/models").status()).isEqualTo(401);
        assertThat(wrong.post("/v1/chat/completions", chat(QWEN, "hi")).status()).isEqualTo(401);
        assertThat(right.get("/api/v1/models").status()).isEqualTo(200);
        assertThat(http.get("/__emulator/stats").status()).isEqualTo(200);
    }

    @Test
    void shouldAnswerTheSameRequestWithTheSameContentAndUsage() throws Exception {
        start(b -> b);

        JsonNode first = http.post("/v1/chat/completions", chat(QWEN, "determinism")).json();
        JsonNode second = http.post("/v1/chat/completions", chat(QWEN, "determinism")).json();

        assertThat(second.path("choices")).isEqualTo(first.path("choices"));
        assertThat(second.path("usage")).isEqualTo(first.path("usage"));
    }

    @Test
    void shouldRejectMalformedJsonWith400() throws Exception {
        start(b -> b);

        assertThat(http.post("/v1/chat/completions", "{not json").status()).isEqualTo(400);
        assertThat(http.post("/api/v1/models/load", "[]").status()).isEqualTo(400);
    }
}
