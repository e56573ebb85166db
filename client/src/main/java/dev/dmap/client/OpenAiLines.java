package dev.dmap.client;

import dev.dmap.schemas.MessageCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI Batch output and error lines from dmap's results and dead letters: the four fields
 * {@code id, custom_id, response, error}, or the whole record when asked for dmap's fields too.
 * An answer from the response cache also carries {@code dmap_cache} ({@code hit}, when it was
 * computed, the tokens it saved): a field OpenAI's line does not have, so readers of OpenAI's
 * shape are unaffected, and nobody counts a stored answer's usage as spent again.
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
        JsonNode cache = record.path("cache");
        if (cache.path("hit").asBoolean(false)) {
            ObjectNode hit = line.putObject("dmap_cache");
            hit.put("hit", true);
            hit.set("computed_at", cache.path("computed_at"));
            hit.set("tokens_saved", cache.path("tokens_saved"));
        }
        return MessageCodec.mapper().writeValueAsString(line);
    }
}
