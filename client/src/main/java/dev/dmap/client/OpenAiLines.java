package dev.dmap.client;

import dev.dmap.schemas.MessageCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI Batch output and error lines from dmap's results and dead letters: the four fields
 * {@code id, custom_id, response, error}, or the whole record when asked for dmap's fields too.
 */
final class OpenAiLines {
    private OpenAiLines() {
    }

    static String line(JsonNode record, boolean withDmapFields) {
        if (withDmapFields) {
            return MessageCodec.mapper().writeValueAsString(record);
        }
        ObjectNode line = MessageCodec.mapper().createObjectNode();
        line.set("id", record.path("id"));
        line.set("custom_id", record.path("custom_id"));
        line.set("response", record.path("response"));
        line.set("error", record.path("error"));
        return MessageCodec.mapper().writeValueAsString(line);
    }
}
