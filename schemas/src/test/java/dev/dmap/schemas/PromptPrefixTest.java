package dev.dmap.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class PromptPrefixTest {
    private static final String CHAT = "/v1/chat/completions";
    private static final String MANUAL = "You are the support desk of a bicycle shop. ".repeat(40); // about 1,800 characters

    private static JsonNode chat(String model, String system, String question) {
        ObjectNode body = MessageCodec.mapper().createObjectNode().put("model", model).put("temperature", 0.7);
        body.putArray("messages").add(message("system", system)).add(message("user", question));
        return body;
    }

    private static ObjectNode message(String role, String content) {
        return MessageCodec.mapper().createObjectNode().put("role", role).put("content", content);
    }

    @Test
    void shouldGiveRequestsThatShareALongSystemPromptOneKeyWhateverTheirQuestion() {
        OptionalInt first = PromptPrefix.of(CHAT, chat("m", MANUAL, "How do I fix a flat?"));
        OptionalInt second = PromptPrefix.of(CHAT, chat("m", MANUAL, "Which saddle fits me?"));

        assertThat(first).isPresent();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void shouldTellDifferentPrefixesAndModelsApart() {
        OptionalInt bikes = PromptPrefix.of(CHAT, chat("m", MANUAL, "q"));

        assertThat(PromptPrefix.of(CHAT, chat("m", "You answer for a bakery. ".repeat(60), "q"))).isNotEqualTo(bikes);
        assertThat(PromptPrefix.of(CHAT, chat("other-model", MANUAL, "q"))).isNotEqualTo(bikes);
    }

    @Test
    void shouldGiveNoKeyToAShortPromptOrAnEmbedding() {
        assertThat(PromptPrefix.of(CHAT, chat("m", "Be brief.", "How do I fix a flat?"))).isEmpty();
        ObjectNode embedding = MessageCodec.mapper().createObjectNode().put("model", "e").put("input", MANUAL + MANUAL);
        assertThat(PromptPrefix.of("/v1/embeddings", embedding)).isEmpty();
    }

    @Test
    void shouldKeyACompletionPromptAndAChatWithContentPartsByTheirText() {
        ObjectNode completion = MessageCodec.mapper().createObjectNode().put("model", "m").put("prompt", MANUAL + "Q: one");
        ObjectNode other = MessageCodec.mapper().createObjectNode().put("model", "m").put("prompt", MANUAL + "Q: two");
        assertThat(PromptPrefix.of("/v1/completions", completion)).isPresent()
                .isEqualTo(PromptPrefix.of("/v1/completions", other));

        ObjectNode parts = MessageCodec.mapper().createObjectNode().put("model", "m");
        ObjectNode system = parts.putArray("messages").addObject().put("role", "system");
        system.putArray("content").addObject().put("type", "text").put("text", MANUAL);
        parts.withArray("messages").add(message("user", "How do I fix a flat?"));
        assertThat(PromptPrefix.of(CHAT, parts)).isEqualTo(PromptPrefix.of(CHAT, chat("m", MANUAL, "anything")));
    }
}
