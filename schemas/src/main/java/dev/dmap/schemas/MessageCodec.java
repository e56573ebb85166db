package dev.dmap.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON codec for dmap's messages: snake_case field names, ISO-8601 instants, nulls written out
 * (an OpenAI Batch line has {@code "error": null}). Unknown fields are ignored on read, so that
 * readers keep working when a schema grows by addition. Thread-safe.
 */
public final class MessageCodec {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.ALWAYS))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private MessageCodec() {
    }

    /** The shared mapper; configured once, safe to share. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Object message) {
        return MAPPER.writeValueAsBytes(message);
    }

    public static String encodeToString(Object message) {
        return MAPPER.writeValueAsString(message);
    }

    public static JsonNode toTree(Object message) {
        return MAPPER.valueToTree(message);
    }

    /** Decodes a result, dead letter or batch state; throws {@link JacksonException} on bad input. */
    public static <T> T decode(byte[] bytes, Class<T> type) {
        return MAPPER.readValue(bytes, type);
    }

    public static <T> T decode(String json, Class<T> type) {
        return MAPPER.readValue(json, type);
    }
}
