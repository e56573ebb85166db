package dev.dmap.devkit.emulator;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The emulator's one JSON mapper and the few tree helpers the endpoints share. */
final class Json {
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * Parses a request body that must be a JSON object.
     *
     * @throws ApiException 400 when it is empty, not JSON or not an object
     */
    static ObjectNode parseObject(byte[] body) {
        JsonNode tree;
        try {
            tree = body.length == 0 ? null : MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw LmStudioErrors.malformedJson(e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw LmStudioErrors.malformedJson("the request body must be a JSON object");
        }
        return (ObjectNode) tree;
    }

    static byte[] write(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    /** The string at {@code field}, or null when absent or not a string. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() ? value.stringValue() : null;
    }
}
