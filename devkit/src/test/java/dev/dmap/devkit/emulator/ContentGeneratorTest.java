package dev.dmap.devkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dmap.schemas.PromptTokens;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ContentGeneratorTest {
    private static final String MODEL = "qwen2.5-7b-instruct";
    private final ContentGenerator generator = new ContentGenerator(7);

    private static JsonNode chat(String content, String extra) {
        return Json.MAPPER.readTree("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + content + "\"}]" + extra + "}");
    }

    @Test
    void shouldAnswerTheSameRequestIdentically() {
        ContentGenerator.Completion first = generator.complete(MODEL, chat("hi", ""), 10, 4096);
        ContentGenerator.Completion second = new ContentGenerator(7).complete(MODEL, chat("hi", ""), 10, 4096);

        assertThat(second).isEqualTo(first);
    }

    @Test
    void shouldDependOnTheSeed() {
        ContentGenerator.Completion seven = generator.complete(MODEL, chat("hi", ""), 10, 4096);
        ContentGenerator.Completion eight = new ContentGenerator(8).complete(MODEL, chat("hi", ""), 10, 4096);

        assertThat(eight.text()).isNotEqualTo(seven.text());
    }

    @Test
    void shouldLabelTheTextAndReportItsTrueTokenCount() {
        IntStream.range(0, 50).forEach(i -> {
            ContentGenerator.Completion completion = generator.complete(MODEL, chat("question " + i, ""), 10, 4096);

            assertThat(completion.text()).startsWith(ContentGenerator.PREFIX);
            assertThat(completion.tokens()).isEqualTo(PromptTokens.countText(completion.text()));
            assertThat(completion.tokens()).isBetween(ContentGenerator.MIN_TOKENS - 1, ContentGenerator.MAX_TOKENS + 1);
            assertThat(completion.finishReason()).isEqualTo("stop");
        });
    }

    @Test
    void shouldStopAtMaxTokensWithFinishReasonLength() {
        ContentGenerator.Completion completion = generator.complete(MODEL, chat("hi", ",\"max_tokens\":5"), 10, 4096);

        assertThat(completion.tokens()).isLessThanOrEqualTo(5);
        assertThat(completion.finishReason()).isEqualTo("length");
        assertThat(completion.stopReason()).isEqualTo("maxPredictedTokensReached");
    }

    @Test
    void shouldStopWhereTheContextEnds() {
        ContentGenerator.Completion completion = generator.complete(MODEL, chat("hi", ""), 100, 103);

        assertThat(completion.tokens()).isLessThanOrEqualTo(3);
        assertThat(completion.finishReason()).isEqualTo("length");
    }

    @Test
    void shouldTreatNonPositiveMaxTokensAsNoLimit() {
        ContentGenerator.Completion unlimited = generator.complete(MODEL, chat("hi", ",\"max_tokens\":-1"), 10, 4096);

        assertThat(unlimited.finishReason()).isEqualTo("stop");
    }

    @Test
    void shouldEmbedAsADeterministicUnitVector() {
        double[] vector = generator.embed("text-embedding-nomic-embed-text-v1.5", "some text");

        assertThat(vector).hasSize(ContentGenerator.EMBEDDING_DIMENSION);
        assertThat(Math.sqrt(Arrays.stream(vector).map(v -> v * v).sum())).isCloseTo(1.0, within(1e-9));
        assertThat(generator.embed("text-embedding-nomic-embed-text-v1.5", "some text")).isEqualTo(vector);
        assertThat(generator.embed("text-embedding-nomic-embed-text-v1.5", "other text")).isNotEqualTo(vector);
    }
}
