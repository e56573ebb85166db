package dev.dmap.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CacheableTest {
    private static boolean cacheable(String url, String body) {
        return Cacheable.test(url, MessageCodec.mapper().readTree(body));
    }

    @Test
    void shouldCacheEmbeddingsAlways() {
        assertThat(cacheable("/v1/embeddings", "{\"model\":\"e\",\"input\":\"x\"}")).isTrue();
    }

    @Test
    void shouldCacheGenerationOnlyWhenItIsMeantToBeReproducible() {
        String chat = "/v1/chat/completions";
        assertThat(cacheable(chat, "{\"model\":\"m\",\"temperature\":0}")).isTrue();
        assertThat(cacheable(chat, "{\"model\":\"m\",\"temperature\":0.0,\"n\":1}")).isTrue();
        assertThat(cacheable(chat, "{\"model\":\"m\",\"temperature\":0.7,\"seed\":42}")).isTrue();
        assertThat(cacheable(chat, "{\"model\":\"m\"}")).as("an absent temperature is 1.0 in OpenAI's API").isFalse();
        assertThat(cacheable(chat, "{\"model\":\"m\",\"temperature\":null}")).isFalse();
        assertThat(cacheable(chat, "{\"model\":\"m\",\"temperature\":0.9}")).isFalse();
        assertThat(cacheable(chat, "{\"model\":\"m\",\"seed\":null}")).isFalse();
        assertThat(cacheable(chat, "{\"model\":\"m\",\"temperature\":0,\"n\":3}")).as("n > 1 asks for different answers").isFalse();
        assertThat(cacheable("/v1/completions", "{\"model\":\"m\",\"temperature\":0,\"best_of\":2}")).isFalse();
        assertThat(cacheable("/v1/responses", "{\"model\":\"m\",\"temperature\":0,\"input\":\"x\"}")).isTrue();
        assertThat(Cacheable.refusal(chat, MessageCodec.mapper().readTree("{\"model\":\"m\"}")))
                .isEqualTo("neither temperature 0 nor a seed");
    }
}
