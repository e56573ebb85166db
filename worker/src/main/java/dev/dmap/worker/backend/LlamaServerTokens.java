package dev.dmap.worker.backend;

import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Request;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Exact prompt tokens from llama-server itself: a chat body goes through {@code POST /apply-template}
 * (the model's own template, with the request's tools and options), and the text through
 * {@code POST /tokenize} with {@code add_special}, as the server tokenizes a prompt, so the count
 * equals the {@code usage.prompt_tokens} the call will report. In router mode both calls name the
 * model, which is loaded already. Empty when the server cannot say (then the worker estimates).
 */
final class LlamaServerTokens {
    private static final Logger log = LoggerFactory.getLogger(LlamaServerTokens.class);

    private final BackendHttp http;

    LlamaServerTokens(BackendHttp http) {
        this.http = http;
    }

    OptionalInt count(Request request, boolean router) {
        try {
            JsonNode body = request.body();
            return switch (request.endpoint()) {
                case CHAT_COMPLETIONS -> {
                    String prompt = http.post("/apply-template", body, http.metadataTimeout()).json().path("prompt").asString("");
                    yield OptionalInt.of(tokenize(prompt, request.model(), router));
                }
                case COMPLETIONS -> body.path("prompt").isString()
                        ? OptionalInt.of(tokenize(body.path("prompt").asString(), request.model(), router)) : OptionalInt.empty();
                case EMBEDDINGS -> embeddings(body.path("input"), request.model(), router);
                // no tokenizer route takes a Responses body: the worker's estimate stands in
                case RESPONSES -> OptionalInt.empty();
            };
        } catch (BackendFailure e) {
            log.debug("llama-server could not count the prompt of {}: {}", request.id(), e.getMessage());
            return OptionalInt.empty();
        }
    }

    /** Embeddings: the sum over the inputs, as {@code usage.prompt_tokens} reports it. */
    private OptionalInt embeddings(JsonNode input, String model, boolean router) {
        if (input.isString()) {
            return OptionalInt.of(tokenize(input.asString(), model, router));
        }
        int total = 0;
        for (JsonNode item : input) {
            if (!item.isString()) {
                return OptionalInt.empty();
            }
            total += tokenize(item.asString(), model, router);
        }
        return OptionalInt.of(total);
    }

    private int tokenize(String text, String model, boolean router) {
        ObjectNode body = MessageCodec.mapper().createObjectNode().put("content", text).put("add_special", true);
        if (router) {
            body.put("model", model);
        }
        return http.post("/tokenize", body, http.metadataTimeout()).json().path("tokens").size();
    }
}
