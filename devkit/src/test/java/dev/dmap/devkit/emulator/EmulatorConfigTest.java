package dev.dmap.devkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmulatorConfigTest {

    @Test
    void shouldUseTheNamedDefaults() {
        EmulatorConfig config = EmulatorConfig.builder().build();

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.models()).isEqualTo(EmulatorConfig.defaultCatalogue());
        assertThat(config.memoryBudgetBytes()).isEqualTo(8_000_000_000L);
        assertThat(config.loadOverhead()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.parallelSlots()).isEqualTo(4);
        assertThat(config.jit()).isTrue();
        assertThat(config.autoEvict()).isTrue();
        assertThat(config.timeScale()).isEqualTo(1.0);
        assertThat(config.apiKey()).isNull();
        assertThat(config.faults()).isNotNull();
    }

    @Test
    void shouldListTheDefaultCatalogue() {
        assertThat(EmulatorConfig.defaultCatalogue()).extracting(EmulatedModel::key).containsExactly(
                "qwen2.5-7b-instruct", "meta-llama-3.1-8b-instruct", "mistral-7b-instruct-v0.3", "google/gemma-3-4b",
                "text-embedding-nomic-embed-text-v1.5");
        assertThat(EmulatorConfig.defaultCatalogue().get(4).type()).isEqualTo("embedding");
    }

    @Test
    void shouldRoundTripThroughToBuilder() {
        EmulatorConfig config = EmulatorConfig.builder().port(4321).timeScale(0).apiKey("k").seed(9).build();

        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void shouldKeepTheApiKeyOutOfToString() {
        assertThat(EmulatorConfig.builder().apiKey("super-secret").build().toString()).doesNotContain("super-secret");
    }

    @Test
    void shouldRejectInvalidSettings() {
        EmulatedModel model = EmulatedModel.llm("m", 1, 10);
        assertThatThrownBy(() -> EmulatorConfig.builder().models(List.of(model, model)).build())
                .hasMessageContaining("duplicate");
        assertThatThrownBy(() -> EmulatorConfig.builder().models(List.of()).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmulatorConfig.builder().timeScale(-1).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmulatorConfig.builder().parallelSlots(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmulatorConfig.builder().decodeTokensPerSecond(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmulatorConfig.builder().port(70000).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
