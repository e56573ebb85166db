package dev.dmap.devkit.emulator;

import static dev.dmap.devkit.emulator.EmulatorHttp.load;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The emulator's listings, unknown paths and banner over real HTTP, with time scale 0. */
class LmStudioEmulatorListingsIT {
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
    void shouldListEveryDownloadedModelOnV1ModelsWhenJitIsOn() throws Exception {
        start(b -> b);

        JsonNode body = http.get("/v1/models").json();

        assertThat(body.path("object").asString()).isEqualTo("list");
        assertThat(body.path("data").values()).extracting(m -> m.path("id").asString())
                .containsExactlyElementsOf(EmulatorConfig.defaultCatalogue().stream().map(EmulatedModel::key).toList());
        assertThat(body.path("data").get(0).path("object").asString()).isEqualTo("model");
        assertThat(body.path("data").get(0).path("owned_by").asString()).isEqualTo("organization_owner");
    }

    @Test
    void shouldListOnlyLoadedModelsOnV1ModelsWhenJitIsOff() throws Exception {
        start(b -> b.jit(false));
        emulator.preload(LLAMA);

        assertThat(http.get("/v1/models").json().path("data").values()).extracting(m -> m.path("id").asString())
                .containsExactly(LLAMA);
    }

    @Test
    void shouldDescribeModelsOnV0WithStateAndLoadedContext() throws Exception {
        start(b -> b);
        http.post("/api/v1/models/load", "{\"model\":\"" + QWEN + "\",\"context_length\":8192}");

        JsonNode list = http.get("/api/v0/models").json();
        JsonNode qwen = list.path("data").get(0);
        JsonNode gemma = http.get("/api/v0/models/google/gemma-3-4b").json();

        assertThat(list.path("object").asString()).isEqualTo("list");
        assertThat(qwen.path("id").asString()).isEqualTo(QWEN);
        assertThat(qwen.path("state").asString()).isEqualTo("loaded");
        assertThat(qwen.path("loaded_context_length").asInt()).isEqualTo(8192);
        assertThat(qwen.path("max_context_length").asInt()).isEqualTo(32768);
        assertThat(qwen.path("compatibility_type").asString()).isEqualTo("gguf");
        assertThat(qwen.path("arch").asString()).isEqualTo("qwen2");
        assertThat(qwen.path("quantization").asString()).isEqualTo("Q4_K_M");
        assertThat(qwen.path("publisher").asString()).isEqualTo("lmstudio-community");
        assertThat(gemma.path("state").asString()).isEqualTo("not-loaded");
        assertThat(gemma.has("loaded_context_length")).isFalse();
        assertThat(list.path("data").get(4).path("type").asString()).isEqualTo("embeddings");
        assertThat(http.get("/api/v0/models/no-such-model").status()).isEqualTo(404);
    }

    @Test
    void shouldDescribeModelsOnV1WithLoadedInstances() throws Exception {
        start(b -> b);
        http.post("/api/v1/models/load", load(QWEN));

        JsonNode models = http.get("/api/v1/models").json().path("models");
        JsonNode qwen = models.get(0);
        JsonNode nomic = models.get(4);

        assertThat(qwen.path("type").asString()).isEqualTo("llm");
        assertThat(qwen.path("key").asString()).isEqualTo(QWEN);
        assertThat(qwen.path("display_name").asString()).isEqualTo("Qwen2.5 7B Instruct");
        assertThat(qwen.path("architecture").asString()).isEqualTo("qwen2");
        assertThat(qwen.path("quantization").path("name").asString()).isEqualTo("Q4_K_M");
        assertThat(qwen.path("quantization").path("bits_per_weight").asInt()).isEqualTo(4);
        assertThat(qwen.path("size_bytes").asLong()).isEqualTo(4_680_000_000L);
        assertThat(qwen.path("params_string").asString()).isEqualTo("7B");
        assertThat(qwen.path("max_context_length").asInt()).isEqualTo(32768);
        assertThat(qwen.path("format").asString()).isEqualTo("gguf");
        assertThat(qwen.path("loaded_instances").get(0).path("id").asString()).isEqualTo(QWEN);
        assertThat(qwen.path("loaded_instances").get(0).path("config").path("context_length").asInt()).isEqualTo(4096);
        assertThat(qwen.path("loaded_instances").get(0).path("config").path("parallel").asInt()).isEqualTo(4);
        assertThat(nomic.path("type").asString()).isEqualTo("embedding");
        assertThat(nomic.has("architecture")).isFalse();
        assertThat(nomic.path("loaded_instances").isEmpty()).isTrue();
    }

    @Test
    void shouldAnswerUnknownPathsWith200AndLmStudiosMessage() throws Exception {
        start(b -> b);

        EmulatorHttp.Answer answer = http.get("/nope");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("error").asString())
                .isEqualTo("Unexpected endpoint or method. (GET /nope). Returning 200 anyway");
    }

    @Test
    void shouldPrintABannerThatSaysItIsTheEmulator() {
        start(b -> b);

        String banner = SimCommand.banner(emulator);

        assertThat(banner).contains("LM Studio EMULATOR", "NOT LM Studio", emulator.baseUrl().toString(), QWEN, NOMIC);
    }
}
