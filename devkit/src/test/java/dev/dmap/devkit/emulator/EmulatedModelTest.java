package dev.dmap.devkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EmulatedModelTest {

    @Test
    void shouldParseIdSizeAndContext() {
        EmulatedModel model = EmulatedModel.parse("qwen2.5-7b-instruct:4.7GB:32768");

        assertThat(model.key()).isEqualTo("qwen2.5-7b-instruct");
        assertThat(model.type()).isEqualTo("llm");
        assertThat(model.sizeBytes()).isEqualTo(4_700_000_000L);
        assertThat(model.maxContextLength()).isEqualTo(32768);
        assertThat(model.publisher()).isEqualTo("lmstudio-community");
        assertThat(model.architecture()).isEqualTo("qwen2");
        assertThat(model.quantization()).isEqualTo("Q4_K_M");
        assertThat(model.paramsString()).isEqualTo("7B");
    }

    @Test
    void shouldParseAnEmbeddingModel() {
        EmulatedModel model = EmulatedModel.parse("text-embedding-nomic-embed-text-v1.5:84MB:2048:embedding");

        assertThat(model.type()).isEqualTo("embedding");
        assertThat(model.sizeBytes()).isEqualTo(84_000_000L);
        assertThat(model.publisher()).isEqualTo("nomic-ai");
        assertThat(model.architecture()).isEqualTo("nomic-bert");
        assertThat(model.paramsString()).isNull();
    }

    @Test
    void shouldTakeThePublisherFromAKeyWithASlash() {
        EmulatedModel model = EmulatedModel.parse("google/gemma-3-4b:3.34GB:131072");

        assertThat(model.publisher()).isEqualTo("google");
        assertThat(model.architecture()).isEqualTo("gemma3");
        assertThat(model.paramsString()).isEqualTo("4B");
    }

    @Test
    void shouldAcceptEverySizeUnit() {
        assertThat(EmulatedModel.parse("m:512B:10").sizeBytes()).isEqualTo(512);
        assertThat(EmulatedModel.parse("m:2KB:10").sizeBytes()).isEqualTo(2_000);
        assertThat(EmulatedModel.parse("m:1.5mb:10").sizeBytes()).isEqualTo(1_500_000);
        assertThat(EmulatedModel.parse("m:1024:10").sizeBytes()).isEqualTo(1024);
    }

    @ParameterizedTest
    @ValueSource(strings = {"only-id", "id:4GB", "id:4XB:100", "id:4GB:many", "id:4GB:100:vlm", "id:4GB:0", "a b:1GB:10",
            "a:1GB:10:llm:extra"})
    void shouldRejectMalformedSpecs(String spec) {
        assertThatThrownBy(() -> EmulatedModel.parse(spec)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPrintSizesInDecimalUnits() {
        assertThat(ByteSize.format(4_680_000_000L)).isEqualTo("4.68 GB");
        assertThat(ByteSize.format(84_000_000L)).isEqualTo("84.00 MB");
        assertThat(ByteSize.format(12)).isEqualTo("12 B");
        assertThat(ByteSize.parseRate("1.5GB/s")).isEqualTo(1.5e9);
    }

    @Test
    void shouldDeriveLmStudioStyleDisplayNamesAndBits() {
        assertThat(ModelDefaults.displayName("qwen2.5-7b-instruct")).isEqualTo("Qwen2.5 7B Instruct");
        assertThat(ModelDefaults.bitsPerWeight("Q4_K_M")).isEqualTo(4);
        assertThat(ModelDefaults.bitsPerWeight("F16")).isEqualTo(16);
    }
}
