package dev.dmap.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class CacheKeysTest {
    private static final String CHAT = "/v1/chat/completions";
    private static final String IDENTITY = "model-identity-1";

    private static JsonNode json(String text) {
        return MessageCodec.mapper().readTree(text);
    }

    private static String key(String body) {
        return CacheKeys.of(CHAT, IDENTITY, json(body));
    }

    @Test
    void shouldIgnoreFieldOrderAndWhitespace() {
        assertThat(key("{\"model\":\"m\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .isEqualTo(key("{ \"messages\" : [ { \"content\":\"hi\", \"role\":\"user\" } ],\n \"temperature\":0, \"model\":\"m\" }"));
    }

    @Test
    void shouldTreatEqualNumbersAsOne() {
        assertThat(key("{\"model\":\"m\",\"temperature\":0}")).isEqualTo(key("{\"model\":\"m\",\"temperature\":0.0}"))
                .isEqualTo(key("{\"model\":\"m\",\"temperature\":0e0}")).isEqualTo(key("{\"model\":\"m\",\"temperature\":-0.0}"));
        assertThat(key("{\"model\":\"m\",\"max_tokens\":100}")).isEqualTo(key("{\"model\":\"m\",\"max_tokens\":100.0}"))
                .isEqualTo(key("{\"model\":\"m\",\"max_tokens\":1e2}"));
        assertThat(key("{\"model\":\"m\",\"top_p\":0.1}")).isNotEqualTo(key("{\"model\":\"m\",\"top_p\":0.10000001}"));
    }

    @Test
    void shouldLeaveOutOnlyTheFieldsThatDoNotChangeTheAnswer() {
        String plain = key("{\"model\":\"m\",\"temperature\":0,\"prompt\":\"x\"}");
        assertThat(key("{\"model\":\"m\",\"temperature\":0,\"prompt\":\"x\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"user\":\"u-1\",\"metadata\":{\"job\":\"a\"},\"service_tier\":\"flex\"}")).isEqualTo(plain);
        assertThat(key("{\"model\":\"m\",\"temperature\":0,\"prompt\":\"x\",\"max_tokens\":5}")).isNotEqualTo(plain);
        assertThat(key("{\"model\":\"m\",\"temperature\":0,\"prompt\":\"x\",\"stop\":[\"\\n\"]}")).isNotEqualTo(plain);
        assertThat(key("{\"model\":\"m\",\"temperature\":0,\"prompt\":\"x\",\"top_p\":0.5}")).isNotEqualTo(plain);
        assertThat(key("{\"model\":\"m2\",\"temperature\":0,\"prompt\":\"x\"}")).isNotEqualTo(plain);
    }

    @Test
    void shouldKeepIgnoredNamesWhenTheyAreNotTopLevelFields() {
        assertThat(key("{\"model\":\"m\",\"temperature\":0,\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{\"user\":1}}}}"))
                .isNotEqualTo(key("{\"model\":\"m\",\"temperature\":0,\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{}}}}"));
    }

    @Test
    void shouldMissWhenTheModelOrEndpointChanges() {
        JsonNode body = json("{\"model\":\"m\",\"input\":\"x\"}");
        assertThat(CacheKeys.of("/v1/embeddings", "weights-q4", body)).isNotEqualTo(CacheKeys.of("/v1/embeddings", "weights-q8", body));
        assertThat(CacheKeys.of("/v1/embeddings", "weights-q4", body)).isNotEqualTo(CacheKeys.of("/v1/completions", "weights-q4", body));
        assertThat(CacheKeys.of("/v1/embeddings", "weights-q4", body)).matches("[0-9a-f]{64}");
    }

    @Test
    void shouldTakeAModelsIdentityFromItsListingEntryWithoutItsState() {
        String loaded = "{\"id\":\"m\",\"quantization\":\"Q4_K_M\",\"arch\":\"llama\",\"state\":\"loaded\",\"loaded_context_length\":8192}";
        String unloaded = "{\"arch\":\"llama\",\"id\":\"m\",\"quantization\":\"Q4_K_M\",\"state\":\"not-loaded\"}";
        String requantised = "{\"id\":\"m\",\"quantization\":\"Q8_0\",\"arch\":\"llama\",\"state\":\"loaded\"}";
        assertThat(CacheKeys.identity(json(loaded))).isEqualTo(CacheKeys.identity(json(unloaded)))
                .isNotEqualTo(CacheKeys.identity(json(requantised)));
        assertThat(CacheKeys.identity(json("{\"id\":\"m\",\"created\":1}"))).isEqualTo(CacheKeys.identity(json("{\"id\":\"m\",\"created\":2}")));
    }

    @Test
    void shouldPlaceIdenticalBodiesTogetherWhateverTheirIdentity() {
        assertThat(CacheKeys.placement(CHAT, json("{\"model\":\"m\",\"seed\":1,\"user\":\"a\"}")))
                .isEqualTo(CacheKeys.placement(CHAT, json("{\"user\":\"b\",\"seed\":1.0,\"model\":\"m\"}")));
    }
}
