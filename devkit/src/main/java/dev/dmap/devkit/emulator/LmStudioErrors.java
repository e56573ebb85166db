package dev.dmap.devkit.emulator;

import java.util.List;
import java.util.stream.Collectors;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every error answer of the emulator, with LM Studio's observed status, shape and text
 * (docs/lm-studio-facts.md, Error bodies). LM Studio mixes two shapes of {@code error}: a plain
 * string and an OpenAI-style object {@code {message, type, param, code}}; each case below uses
 * the shape users captured for it.
 *
 * <p>Statuses LM Studio does not document, chosen by the emulator (assumptions):
 * <ul>
 *   <li>load refused for memory ({@code insufficient system resources}) and failing loads
 *       (explicit and JIT): <b>500</b>, type {@code model_load_failed};</li>
 *   <li>a call whose model was unloaded while it waited or generated: <b>500</b>, message
 *       {@code Model unloaded.};</li>
 *   <li>unknown fields in {@code POST /api/v1/models/load}: <b>400</b>, type {@code invalid_request}
 *       (LM Studio rejects them; its exact body is not documented);</li>
 *   <li>malformed JSON body: <b>400</b> (LM Studio answers with a cryptic server error);</li>
 *   <li>unknown model in {@code /api/v1/models/load} or {@code /api/v0/models/{id}}, unknown
 *       instance in {@code /api/v1/models/unload}: <b>404</b>, type {@code model_not_found};</li>
 *   <li>"No models loaded" with JIT off: <b>400</b> with the object shape (0.4.8); 0.3.5 used 404.</li>
 * </ul>
 */
final class LmStudioErrors {
    static final String NO_MODELS_LOADED =
            "No models loaded. Please load a model in the developer page or use the 'lms load' command.";

    private LmStudioErrors() {
    }

    /** 400, {@code code: model_not_found}: the id is not in the catalogue. */
    static ApiException invalidModel(String modelId, List<String> catalogueKeys) {
        String examples = catalogueKeys.stream().limit(3).collect(Collectors.joining(", "));
        return new ApiException(400, object("Invalid model identifier \"" + modelId
                + "\". Please specify a valid downloaded model (e.g., " + examples + ").",
                "invalid_request_error", "model", "model_not_found"));
    }

    /** 400: JIT is off (or the call names no model) and nothing suitable is loaded. */
    static ApiException noModelsLoaded() {
        return new ApiException(400, object(NO_MODELS_LOADED, "invalid_request_error", "model", null));
    }

    /** 400 with the string form: the prompt does not fit the loaded context. */
    static ApiException contextOverflow(int promptTokens, int contextLength) {
        return new ApiException(400, stringError("The number of tokens to keep from the initial prompt is greater than"
                + " the context length (n_keep: " + promptTokens + ">= n_ctx: " + contextLength + "). Try to load the"
                + " model with a larger context length, or provide a shorter input."));
    }

    /** An injected fault with the given status. */
    static ApiException injected(int status) {
        ObjectNode error = Json.object();
        error.put("message", reason(status) + " (emulated fault)");
        error.put("type", status >= 500 ? "server_error" : "invalid_request_error");
        return wrap(status, error);
    }

    /** 500, type {@code model_load_failed}: LM Studio's resource guardrail refused the load. */
    static ApiException insufficientResources(String modelKey, long requiredBytes, long availableBytes) {
        return new ApiException(500, object("Failed to load model \"" + modelKey + "\". Model loading was stopped due"
                + " to insufficient system resources (needs " + ByteSize.format(requiredBytes) + ", "
                + ByteSize.format(availableBytes) + " free in the emulated memory budget).",
                "model_load_failed", "model", null));
    }

    /** 500, type {@code model_load_failed}: an injected load failure. */
    static ApiException loadFailed(String modelKey) {
        return new ApiException(500, object("Failed to load model \"" + modelKey
                + "\". Error loading model. (Exit code: 134). (emulated fault)", "model_load_failed", "model", null));
    }

    /** 500: the instance serving the call was unloaded (auto-evict or explicit unload). */
    static ApiException modelUnloaded(String instanceId) {
        return new ApiException(500, object("Model unloaded. The model instance \"" + instanceId
                + "\" was unloaded while the request was being processed.", "server_error", null, null));
    }

    /** 401 in LM Studio 0.4's shape (v1 vocabulary: {@code invalid_request}, no {@code param}): no token sent. */
    static ApiException missingToken() {
        return unauthorized("An LM Studio API token is required to make requests to this server, but none was provided"
                + " using the Authorization header using the 'Bearer' scheme (i.e., 'Authorization: Bearer $LM_API_TOKEN')."
                + " Learn more at: https://lmstudio.ai/docs/developer/core/authentication");
    }

    /** 401: a token was sent but it is not this server's. */
    static ApiException malformedToken() {
        return unauthorized("Malformed LM Studio API token provided: the token is not valid for this server.");
    }

    private static ApiException unauthorized(String message) {
        ObjectNode error = Json.object();
        error.put("type", "invalid_request");
        error.put("code", "invalid_api_key");
        error.put("message", message);
        return wrap(401, error);
    }

    /** 400 with the string form: {@code response_format.type} other than {@code json_schema} or {@code text}. */
    static ApiException unsupportedResponseFormat() {
        return new ApiException(400, stringError("'response_format.type' must be 'json_schema' or 'text'"));
    }

    /**
     * 400: {@code POST /api/v1/models/load} names fields LM Studio does not know (lmstudio-bug-tracker#2024).
     * The exact body is not documented; this shape is an assumption.
     */
    static ApiException unrecognizedKeys(List<String> keys) {
        ObjectNode error = Json.object();
        error.put("type", "invalid_request");
        error.put("message", "Unrecognized key(s) in object: " + keys.stream().map(k -> "'" + k + "'")
                .collect(Collectors.joining(", ")));
        return wrap(400, error);
    }

    static ApiException malformedJson(String detail) {
        return badRequest("Invalid JSON in request body: " + detail, null);
    }

    /** 400 {@code invalid_request_error} about one parameter. */
    static ApiException badRequest(String message, String param) {
        return new ApiException(400, object(message, "invalid_request_error", param, null));
    }

    /** 404 in the native v1 shape: no such model or instance. */
    static ApiException notFound(String message, String param) {
        return new ApiException(404, object(message, "model_not_found", param, null));
    }

    /** LM Studio answers unknown paths with 200 and this string. */
    static ObjectNode unexpectedEndpoint(String method, String path) {
        return stringError("Unexpected endpoint or method. (" + method + " " + path + "). Returning 200 anyway");
    }

    private static ObjectNode object(String message, String type, String param, String code) {
        ObjectNode error = Json.object();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        ObjectNode body = Json.object();
        body.set("error", error);
        return body;
    }

    private static ApiException wrap(int status, ObjectNode error) {
        ObjectNode body = Json.object();
        body.set("error", error);
        return new ApiException(status, body);
    }

    private static ObjectNode stringError(String message) {
        ObjectNode body = Json.object();
        body.put("error", message);
        return body;
    }

    private static String reason(int status) {
        return switch (status) {
            case 429 -> "Too many requests";
            case 500 -> "Internal server error";
            case 502 -> "Bad gateway";
            case 503 -> "Service unavailable";
            case 504 -> "Gateway timeout";
            default -> "Error " + status;
        };
    }
}
