package dev.dmap.worker.pipeline;

import dev.dmap.schemas.Endpoint;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.worker.backend.ServerSentEvents;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole answer of a streamed call, made from its events, so that a streamed call's result on
 * the results topic has the shape a call without streaming gets: a {@code chat.completion} from
 * {@code chat.completion.chunk}s (content joined per choice, the last finish reason, the usage
 * chunk's usage), a {@code text_completion} from its pieces, and for {@code /v1/responses} the
 * response that {@code response.completed} carries. Tool-call deltas are not merged.
 */
public final class StreamAssembly {
    private StreamAssembly() {
    }

    public static ObjectNode assemble(Endpoint endpoint, List<ServerSentEvents.Event> events) {
        List<JsonNode> chunks = events.stream().map(StreamAssembly::parse).filter(JsonNode::isObject).toList();
        return switch (endpoint) {
            case RESPONSES -> response(chunks);
            case COMPLETIONS -> choices(chunks, "text_completion", false);
            default -> choices(chunks, "chat.completion", true);
        };
    }

    /** Whether an event carries only usage (sent because the worker asks for it); the caller sees it only if it asked. */
    public static boolean usageOnly(String data) {
        JsonNode chunk = parse(new ServerSentEvents.Event(null, data));
        return chunk.path("usage").isObject() && chunk.path("choices").isArray() && chunk.path("choices").isEmpty();
    }

    private static ObjectNode choices(List<JsonNode> chunks, String object, boolean chat) {
        ObjectNode body = MessageCodec.mapper().createObjectNode();
        Map<Integer, ObjectNode> choices = new TreeMap<>();
        Map<Integer, StringBuilder> texts = new TreeMap<>();
        for (JsonNode chunk : chunks) {
            for (String field : List.of("id", "created", "model", "system_fingerprint")) {
                if (!body.has(field) && chunk.has(field)) {
                    body.set(field, chunk.get(field));
                }
            }
            if (chunk.path("usage").isObject()) {
                body.set("usage", chunk.get("usage"));
            }
            if (chunk.path("timings").isObject()) {
                body.set("timings", chunk.get("timings"));
            }
            for (JsonNode choice : chunk.path("choices")) {
                int index = choice.path("index").asInt(0);
                ObjectNode assembled = choices.computeIfAbsent(index, i -> newChoice(i, chat));
                JsonNode piece = chat ? choice.path("delta").path("content") : choice.path("text");
                if (piece.isString()) {
                    texts.computeIfAbsent(index, i -> new StringBuilder()).append(piece.asString());
                }
                if (chat && choice.path("delta").path("role").isString()) {
                    ((ObjectNode) assembled.get("message")).put("role", choice.path("delta").path("role").asString());
                }
                if (choice.hasNonNull("finish_reason")) {
                    assembled.set("finish_reason", choice.get("finish_reason"));
                }
            }
        }
        body.put("object", object);
        var array = body.putArray("choices");
        choices.forEach((index, choice) -> {
            String text = texts.getOrDefault(index, new StringBuilder()).toString();
            if (chat) {
                ((ObjectNode) choice.get("message")).put("content", text);
            } else {
                choice.put("text", text);
            }
            array.add(choice);
        });
        return body;
    }

    private static ObjectNode newChoice(int index, boolean chat) {
        ObjectNode choice = MessageCodec.mapper().createObjectNode();
        choice.put("index", index);
        if (chat) {
            choice.putObject("message").put("role", "assistant");
        }
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return choice;
    }

    private static ObjectNode response(List<JsonNode> chunks) {
        for (int i = chunks.size() - 1; i >= 0; i--) {
            if (chunks.get(i).path("response").isObject()) {
                return (ObjectNode) chunks.get(i).get("response");
            }
        }
        return MessageCodec.mapper().createObjectNode();
    }

    private static JsonNode parse(ServerSentEvents.Event event) {
        try {
            JsonNode node = MessageCodec.mapper().readTree(event.data());
            return node == null ? MessageCodec.mapper().missingNode() : node;
        } catch (JacksonException e) {
            return MessageCodec.mapper().missingNode();
        }
    }
}
