package dev.dmap.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PromptTokensTest {
    /** "Hello, world!" is 4 cl100k tokens: Hello , world ! */
    private static final String HELLO = "Hello, world!";
    private static final int HELLO_TOKENS = 4;

    private static JsonNode json(String text) {
        return MessageCodec.mapper().readTree(text);
    }

    @Test
    void shouldCountHelloWorldAsFourTokens() {
        assertThat(PromptTokens.countText(HELLO)).isEqualTo(HELLO_TOKENS);
    }

    @Test
    void shouldAddFourPerMessageAndThreeForTheReplyInChat() {
        JsonNode body = json("{\"messages\":[{\"role\":\"system\",\"content\":\"Hello, world!\"},"
                + "{\"role\":\"user\",\"content\":\"Hello, world!\"}]}");

        assertThat(PromptTokens.count(body, "/v1/chat/completions")).isEqualTo(2 * (HELLO_TOKENS + 4) + 3);
    }

    @Test
    void shouldCountOnlyTextPartsOfArrayContent() {
        JsonNode body = json("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello, world!\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]}]}");

        assertThat(PromptTokens.count(body, "/v1/chat/completions")).isEqualTo(HELLO_TOKENS + 4 + 3);
    }

    @Test
    void shouldCountNullContentAsZero() {
        JsonNode body = json("{\"messages\":[{\"role\":\"assistant\",\"content\":null}]}");

        assertThat(PromptTokens.count(body, "/v1/chat/completions")).isEqualTo(4 + 3);
    }

    @Test
    void shouldCountCompletionPromptWithoutOverhead() {
        assertThat(PromptTokens.count(json("{\"prompt\":\"Hello, world!\"}"), "/v1/completions")).isEqualTo(HELLO_TOKENS);
        assertThat(PromptTokens.count(json("{\"prompt\":[\"Hello, world!\",\"Hello, world!\"]}"), "/v1/completions"))
                .isEqualTo(2 * HELLO_TOKENS);
    }

    @Test
    void shouldSumEveryEmbeddingInput() {
        assertThat(PromptTokens.count(json("{\"input\":\"Hello, world!\"}"), "/v1/embeddings")).isEqualTo(HELLO_TOKENS);
        assertThat(PromptTokens.count(json("{\"input\":[\"Hello, world!\",\"Hello, world!\"]}"), "/v1/embeddings"))
                .isEqualTo(2 * HELLO_TOKENS);
        assertThat(PromptTokens.count(json("{\"input\":[101,102,103]}"), "/v1/embeddings")).isEqualTo(3);
    }

    @Test
    void shouldApplyTheSameFormulaToNativeV0Paths() {
        JsonNode body = json("{\"messages\":[{\"role\":\"user\",\"content\":\"Hello, world!\"}]}");

        assertThat(PromptTokens.count(body, "/api/v0/chat/completions"))
                .isEqualTo(PromptTokens.count(body, "/v1/chat/completions"));
    }

    @Test
    void shouldCountSpecialTokenTextAsOrdinaryText() {
        assertThat(PromptTokens.countText("<|endoftext|>")).isGreaterThan(1);
    }

    @Test
    void shouldRejectPathsWithoutAFormula() {
        assertThatThrownBy(() -> PromptTokens.count(json("{}"), "/v1/models"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountAResponsesInputAsTheChatItStandsFor() {
        JsonNode text = json("{\"instructions\":\"Hello, world!\",\"input\":\"Hello, world!\"}");
        JsonNode messages = json("{\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Hello, world!\"}]}]}");

        assertThat(PromptTokens.count(text, "/v1/responses")).isEqualTo(2 * (HELLO_TOKENS + 4) + 3);
        assertThat(PromptTokens.count(messages, "/v1/responses")).isEqualTo(HELLO_TOKENS + 4 + 3);
    }
}
