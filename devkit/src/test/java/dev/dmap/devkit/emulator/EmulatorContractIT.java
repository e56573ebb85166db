package dev.dmap.devkit.emulator;

import static dev.dmap.devkit.emulator.EmulatorHttp.chat;
import static dev.dmap.devkit.emulator.EmulatorHttp.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.schemas.PromptTokens;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The rows of docs/emulator-contract.md: each endpoint and error the worker relies on, answered the
 * way LM Studio documents (or users captured) it, so a test that passes on the emulator would pass on
 * LM Studio. One test per row that an earlier emulator answered differently (a false pass).
 */
class EmulatorContractIT {
    private static final String QWEN = "qwen2.5-7b-instruct";

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
    void shouldAnswerAMissingTokenWithLmStudiosOwn401Body() throws Exception {
        start(b -> b.apiKey("sk-lm-abc:def"));

        JsonNode missing = http.get("/api/v1/models").json().path("error");
        JsonNode wrong = new EmulatorHttp(emulator.baseUrl(), "sk-lm-bad:bad").post("/v1/chat/completions", chat(QWEN, "hi"))
                .json().path("error");

        assertThat(missing.path("type").asString()).isEqualTo("invalid_request"); // v1 vocabulary, not OpenAI's
        assertThat(missing.path("code").asString()).isEqualTo("invalid_api_key");
        assertThat(missing.has("param")).isFalse();
        assertThat(missing.path("message").asString()).startsWith("An LM Studio API token is required");
        assertThat(wrong.path("message").asString()).startsWith("Malformed LM Studio API token provided");
    }

    @Test
    void shouldServeResponsesInOpenAisShapeInsteadOfTheUnknownPathFallback() throws Exception {
        start(b -> b);
        String body = "{\"model\":\"" + QWEN + "\",\"instructions\":\"Be brief.\",\"input\":\"Say hello\",\"max_output_tokens\":5}";

        EmulatorHttp.Answer answer = http.post("/v1/responses", body);
        JsonNode json = answer.json();

        assertThat(answer.status()).isEqualTo(200);
        assertThat(json.has("error")).as("not the 200 'Unexpected endpoint' answer").isFalse();
        assertThat(json.path("object").asString()).isEqualTo("response");
        assertThat(json.path("id").asString()).startsWith("resp_");
        assertThat(json.path("status").asString()).isEqualTo("incomplete");
        assertThat(json.at("/incomplete_details/reason").asString()).isEqualTo("max_output_tokens");
        assertThat(json.at("/output/0/content/0/type").asString()).isEqualTo("output_text");
        assertThat(json.at("/output/0/content/0/text").asString()).startsWith("[LM Studio emulator]");
        assertThat(json.at("/usage/output_tokens").asInt()).isEqualTo(5);
        assertThat(json.at("/usage/input_tokens").asInt())
                .isEqualTo(PromptTokens.count(Json.MAPPER.readTree(body), "/v1/responses"));
        assertThat(http.post("/v1/responses", body.replace("}", ",\"stream\":true}")).status())
                .as("streaming is not emulated, and says so").isEqualTo(400);
    }

    @Test
    void shouldRefuseLoadFieldsLmStudioDoesNotKnow() throws Exception {
        start(b -> b);

        EmulatorHttp.Answer parallel = http.post("/api/v1/models/load", "{\"model\":\"" + QWEN + "\",\"parallel\":8}");
        EmulatorHttp.Answer nested = http.post("/api/v1/models/load", "{\"model\":\"" + QWEN + "\",\"config\":{\"context_length\":8192}}");

        assertThat(parallel.status()).isEqualTo(400);
        assertThat(parallel.json().at("/error/message").asString()).contains("'parallel'");
        assertThat(nested.status()).isEqualTo(400);
        assertThat(emulator.stats().loadsByModel()).doesNotContainKey(QWEN);
        assertThat(http.post("/api/v1/models/load", "{\"model\":\"" + QWEN + "\",\"context_length\":8192,"
                + "\"flash_attention\":true,\"echo_load_config\":true}").status()).isEqualTo(200);
    }

    @Test
    void shouldRefuseJsonObjectResponseFormatWithLmStudiosStringError() throws Exception {
        start(b -> b);
        String jsonObject = "{\"model\":\"" + QWEN + "\",\"response_format\":{\"type\":\"json_object\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        EmulatorHttp.Answer answer = http.post("/v1/chat/completions", jsonObject);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("error").isString()).isTrue();
        assertThat(answer.json().path("error").asString()).isEqualTo("'response_format.type' must be 'json_schema' or 'text'");
        assertThat(http.post("/v1/chat/completions", jsonObject.replace("json_object", "text")).status()).isEqualTo(200);
    }

    @Test
    void shouldListCapabilitiesOfLanguageModelsInV0() throws Exception {
        start(b -> b);

        JsonNode data = http.get("/api/v0/models").json().path("data");

        for (JsonNode model : data) {
            assertThat(model.path("capabilities").isArray()).as(model.path("id").asString()).isTrue();
            if (model.path("type").asString().equals("embeddings")) {
                assertThat(model.path("capabilities")).isEmpty();
            }
        }
        assertThat(data).anySatisfy(model -> assertThat(model.path("capabilities").toString()).contains("tool_use"));
    }

    @Test
    void shouldUnloadAJitLoadedModelAfterItsIdleTtlButNotAnExplicitLoad() throws Exception {
        start(b -> b.timeScale(0.001).memoryBudgetBytes(64L << 30)); // 1 emulated second = 1 ms
        String llama = "meta-llama-3.1-8b-instruct";
        assertThat(http.post("/api/v1/models/load", load(llama)).status()).isEqualTo(200);
        String withTtl = "{\"model\":\"" + QWEN + "\",\"ttl\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertThat(http.post("/v1/chat/completions", withTtl).status()).isEqualTo(200); // JIT-loads qwen

        assertThat(emulator.stats().loadedInstanceIds()).contains(QWEN, llama);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            http.get("/api/v1/models"); // a client's next call sees the TTL applied
            return !emulator.stats().loadedInstanceIds().contains(QWEN);
        });
        // 100 emulated s more, checked at every call: the explicit load has no TTL and stays
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            http.get("/api/v1/models");
            return emulator.stats().loadedInstanceIds().equals(java.util.List.of(llama));
        });
    }
}
