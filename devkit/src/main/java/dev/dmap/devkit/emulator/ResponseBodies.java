package dev.dmap.devkit.emulator;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI-shaped response bodies as LM Studio writes them ({@code chat.completion},
 * {@code text_completion}, embedding lists and stream chunks). {@code model} is the instance id
 * that served the call, which is what LM Studio reports ({@code gemma-3-1b-it-qat:2}). The
 * {@code /api/v0} variants add LM Studio's {@code stats}, {@code model_info} and {@code runtime}.
 * {@code system_fingerprint} is the model id, as LM Studio writes it, and {@code /v1} chat bodies
 * carry LM Studio's empty {@code stats}; the text itself ({@link ContentGenerator#PREFIX}) labels
 * every completion as the emulator's.
 */
final class ResponseBodies {
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final Random IDS = new SecureRandom();

    private ResponseBodies() {
    }

    static ObjectNode chatCompletion(InferenceEngine.Served served, String id, boolean nativeV0) {
        ObjectNode body = header(id, "chat.completion", served.instance().id());
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putNull("logprobs");
        choice.put("finish_reason", served.completion().finishReason());
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", served.completion().text());
        if (!nativeV0) {
            body.putObject("stats"); // LM Studio's OpenAI-compatible chat answer carries "stats": {} (#601)
        }
        return finish(body, served, nativeV0);
    }

    static ObjectNode textCompletion(InferenceEngine.Served served, String id, boolean nativeV0) {
        ObjectNode body = header(id, "text_completion", served.instance().id());
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("text", served.completion().text());
        choice.putNull("logprobs");
        choice.put("finish_reason", served.completion().finishReason());
        return finish(body, served, nativeV0);
    }

    /**
     * OpenAI's {@code response} object, as LM Studio answers {@code POST /v1/responses}: one assistant
     * message with one {@code output_text}, usage as {@code input_tokens}/{@code output_tokens}, and
     * {@code status: incomplete} with {@code incomplete_details.reason: max_output_tokens} when cut.
     */
    static ObjectNode response(InferenceEngine.Served served, String id) {
        ObjectNode body = Json.object();
        body.put("id", id);
        body.put("object", "response");
        body.put("created_at", System.currentTimeMillis() / 1000);
        boolean cut = served.completion().capped();
        body.put("status", cut ? "incomplete" : "completed");
        if (cut) {
            body.putObject("incomplete_details").put("reason", "max_output_tokens");
        } else {
            body.putNull("incomplete_details");
        }
        body.put("model", served.instance().id());
        ObjectNode message = body.putArray("output").addObject();
        message.put("type", "message");
        message.put("id", newId("msg_"));
        message.put("status", cut ? "incomplete" : "completed");
        message.put("role", "assistant");
        ObjectNode text = message.putArray("content").addObject();
        text.put("type", "output_text");
        text.put("text", served.completion().text());
        text.putArray("annotations");
        ObjectNode usage = body.putObject("usage");
        usage.put("input_tokens", served.promptTokens());
        usage.put("output_tokens", served.completion().tokens());
        usage.put("total_tokens", served.promptTokens() + served.completion().tokens());
        return body;
    }

    /** OpenAI's embedding list: one deterministic unit vector per input, in input order. */
    static ObjectNode embeddings(InferenceEngine.Served served, JsonNode input, ContentGenerator generator) {
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        boolean single = input.isString() || (!input.isEmpty() && input.get(0).isNumber());
        int index = 0;
        for (JsonNode item : single ? List.of(input) : input.values()) {
            ObjectNode entry = data.addObject();
            entry.put("object", "embedding");
            ArrayNode vector = entry.putArray("embedding");
            for (double value : generator.embed(served.instance().model().key(), item.isString() ? item.stringValue()
                    : item.toString())) {
                vector.add(value);
            }
            entry.put("index", index++);
        }
        body.put("model", served.instance().id());
        ObjectNode usage = body.putObject("usage");
        usage.put("prompt_tokens", served.promptTokens());
        usage.put("total_tokens", served.promptTokens());
        return body;
    }

    /** One {@code chat.completion.chunk}; null arguments are left out of the delta. */
    static ObjectNode chatChunk(String id, String model, String role, String content, String finish) {
        ObjectNode chunk = header(id, "chat.completion.chunk", model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (role != null) {
            delta.put("role", role);
        }
        if (content != null) {
            delta.put("content", content);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finish);
        return chunk;
    }

    /** One streamed {@code text_completion} piece. */
    static ObjectNode textChunk(String id, String model, String text, String finish) {
        ObjectNode chunk = header(id, "text_completion", model);
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("text", text);
        choice.putNull("logprobs");
        choice.put("finish_reason", finish);
        return chunk;
    }

    /** The final usage-only chunk sent when {@code stream_options.include_usage} is true. */
    static ObjectNode usageChunk(String id, String object, InferenceEngine.Served served) {
        ObjectNode chunk = header(id, object, served.instance().id());
        chunk.putArray("choices");
        chunk.set("usage", usage(served));
        return chunk;
    }

    /** A random id like LM Studio's {@code chatcmpl-i3gkjwthhw96whukek9tz}. */
    static String newId(String prefix) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 21; i++) {
            id.append(ID_ALPHABET.charAt(IDS.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    private static ObjectNode header(String id, String object, String model) {
        ObjectNode body = Json.object();
        body.put("id", id);
        body.put("object", object);
        body.put("created", System.currentTimeMillis() / 1000);
        body.put("model", model);
        body.put("system_fingerprint", model);
        return body;
    }

    private static ObjectNode finish(ObjectNode body, InferenceEngine.Served served, boolean nativeV0) {
        body.set("usage", usage(served));
        if (nativeV0) {
            addNativeFields(body, served);
        }
        return body;
    }

    private static ObjectNode usage(InferenceEngine.Served served) {
        ObjectNode usage = Json.object();
        int completion = served.completion().tokens();
        usage.put("prompt_tokens", served.promptTokens());
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", served.promptTokens() + completion);
        return usage;
    }

    private static void addNativeFields(ObjectNode body, InferenceEngine.Served served) {
        ObjectNode stats = body.putObject("stats");
        double generation = seconds(served.generationTime());
        stats.put("tokens_per_second", generation > 0 ? served.completion().tokens() / generation : 0);
        stats.put("time_to_first_token", seconds(served.timeToFirstToken()));
        stats.put("generation_time", generation);
        stats.put("stop_reason", served.completion().stopReason());
        EmulatedModel model = served.instance().model();
        ObjectNode info = body.putObject("model_info");
        info.put("arch", model.architecture());
        info.put("quant", model.quantization());
        info.put("format", "gguf");
        info.put("context_length", served.instance().config().contextLength());
        ObjectNode runtime = body.putObject("runtime");
        runtime.put("name", "llama.cpp-lmstudio-emulator");
        runtime.put("version", "0.0.0-emulator");
        runtime.putArray("supported_formats").add("gguf");
    }

    private static double seconds(Duration duration) {
        return Math.round(duration.toNanos() / 1e6) / 1000.0;
    }
}
