package dev.dmap.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.Decoded;
import dev.dmap.schemas.PromptTokens;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.RequestDecoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenEstimatorTest {
    private final TokenEstimator estimator = new TokenEstimator();

    /** The emulator counts like LM Studio would with a cl100k tokenizer; the estimate must agree exactly. */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"custom_id\":\"a\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Explain Kafka partitions in one line.\"}]}}",
        "{\"custom_id\":\"b\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"part one\"},{\"type\":\"text\",\"text\":\"part two <|endoftext|>\"}]}]}}",
        "{\"custom_id\":\"c\",\"url\":\"/v1/completions\",\"body\":{\"model\":\"m\",\"prompt\":\"Once upon a time\"}}",
        "{\"custom_id\":\"d\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"e\",\"input\":[\"first text\",\"second text\"]}}"
    })
    void shouldEstimateExactlyWhatTheEmulatorCounts(String line) {
        Request request = ((Decoded.Valid) new RequestDecoder().decode(line)).request();
        assertThat(estimator.estimate(request)).isEqualTo(PromptTokens.count(request.body(), request.url())).isPositive();
    }
}
