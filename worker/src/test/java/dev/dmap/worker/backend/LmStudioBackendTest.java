package dev.dmap.worker.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.testing.ChatLine;
import dev.dmap.worker.config.BackendKind;
import dev.dmap.worker.config.BackendSettings;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The LM Studio adapter over real HTTP against the emulator at time scale 0 (every load and
 * generation instant), so each call's mapping to listings, loads and classified failures is
 * checked in milliseconds.
 */
class LmStudioBackendTest {
    private static final String MODEL = "qwen2.5-7b-instruct";

    private LmStudioEmulator emulator;

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void shouldListEveryModelAndWhatIsLoadedWithItsContextAndSlots() {
        Backend backend = start(EmulatorConfig.builder());
        assertThat(backend.listModels().available()).contains(MODEL, "google/gemma-3-4b");
        assertThat(backend.listModels().loaded()).isEmpty();

        backend.load(MODEL);

        LoadedModel loaded = backend.listModels().loaded().get(MODEL);
        assertThat(loaded.parallelSlots()).isEqualTo(3);
        assertThat(loaded.contextLength()).isEqualTo(8192);
        assertThat(loaded.instanceIds()).hasSize(1);
        assertThat(backend.controlsLoading()).isTrue();
    }

    @Test
    void shouldUnloadAnInstanceSoTheListingNoLongerHoldsIt() {
        Backend backend = start(EmulatorConfig.builder());
        backend.load(MODEL);
        String instance = backend.listModels().loaded().get(MODEL).instanceIds().get(0);

        backend.unload(instance);

        assertThat(backend.listModels().loaded()).doesNotContainKey(MODEL);
    }

    @Test
    void shouldAnswerAChatCompletionWithItsUsage() {
        Backend backend = start(EmulatorConfig.builder());
        backend.load(MODEL);

        HttpReply reply = backend.infer("/v1/chat/completions", body(MODEL), Map.of());

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.json().path("object").asString()).isEqualTo("chat.completion");
        assertThat(reply.json().path("usage").path("prompt_tokens").asInt()).isPositive();
        assertThat(backend.promptTokens(null)).isEmpty(); // LM Studio cannot count: the worker estimates
    }

    @Test
    void shouldClassifyAnUnknownModelAsPermanentModelNotFound() {
        Backend backend = start(EmulatorConfig.builder());

        assertThatThrownBy(() -> backend.infer("/v1/chat/completions", body("no-such-model"), Map.of()))
                .isInstanceOfSatisfying(PermanentFailure.class,
                        failure -> assertThat(failure.code()).isEqualTo(ErrorCode.MODEL_NOT_FOUND));
    }

    @Test
    void shouldClassifyAMissingTokenAsUnavailableSoTheWorkerPausesInsteadOfDeadLettering() {
        Backend backend = start(EmulatorConfig.builder().apiKey("sk-lm-secret"));

        assertThatThrownBy(backend::listModels).isInstanceOf(BackendUnavailable.class)
                .hasMessageNotContaining("sk-lm-secret");
    }

    @Test
    void shouldReachTheServerWhenItsTokenIsGiven() {
        emulator = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(0).apiKey("sk-lm-secret").build());
        Backend backend = Backends.connect(BackendSettings.defaults(emulator.baseUrl()).withKind(BackendKind.LMSTUDIO)
                .withApiKey("sk-lm-secret"), Clock.systemUTC());

        assertThat(backend.listModels().available()).contains(MODEL);
    }

    private Backend start(EmulatorConfig.Builder config) {
        emulator = LmStudioEmulator.start(config.port(0).timeScale(0).parallelSlots(3).defaultContextLength(8192).build());
        return Backends.connect(BackendSettings.defaults(emulator.baseUrl()).withKind(BackendKind.LMSTUDIO), Clock.systemUTC());
    }

    private static byte[] body(String model) {
        return ChatLine.of("q1", model).bodyBytes();
    }
}
