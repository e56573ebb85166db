package dev.dmap.devkit.emulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single HTTP handler: authentication, routing by method and path, and the one place that
 * turns failures into answers. Unknown paths get LM Studio's "Returning 200 anyway" answer.
 * An injected drop or a crash closes the connection without sending a byte, which an HTTP
 * client sees as an I/O error, not as a response.
 */
final class RequestRouter implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(RequestRouter.class);
    private static final String MODEL_PATH_V0 = "/api/v0/models/";
    /** Status logged for calls that ended without an answer. */
    private static final int NO_RESPONSE = -1;

    /** One endpoint. */
    @FunctionalInterface
    interface Route {
        Reply handle(HttpExchange exchange, Cancellation call) throws IOException;
    }

    private final EmulatorRuntime runtime;
    private final String apiKey;
    private final Map<String, Route> routes;
    private final NativeEndpoints nativeApi;

    RequestRouter(EmulatorConfig config, EmulatorRuntime runtime, ContentGenerator content, ControlEndpoints control) {
        this.runtime = runtime;
        this.apiKey = config.apiKey();
        OpenAiEndpoints openAi = new OpenAiEndpoints(config, runtime.residency, runtime.engine, content);
        this.nativeApi = new NativeEndpoints(config, runtime.residency, runtime.loader);
        this.routes = Map.ofEntries(
                Map.entry("GET /v1/models", (ex, call) -> openAi.models()),
                Map.entry("POST /v1/chat/completions", (ex, call) -> openAi.inference(ex, InferenceEndpoint.CHAT, false, call)),
                Map.entry("POST /v1/completions", (ex, call) -> openAi.inference(ex, InferenceEndpoint.COMPLETION, false, call)),
                Map.entry("POST /v1/embeddings", (ex, call) -> openAi.inference(ex, InferenceEndpoint.EMBEDDING, false, call)),
                Map.entry("POST /v1/responses", (ex, call) -> openAi.inference(ex, InferenceEndpoint.RESPONSE, false, call)),
                Map.entry("POST /api/v0/chat/completions", (ex, call) -> openAi.inference(ex, InferenceEndpoint.CHAT, true, call)),
                Map.entry("POST /api/v0/completions", (ex, call) -> openAi.inference(ex, InferenceEndpoint.COMPLETION, true, call)),
                Map.entry("POST /api/v0/embeddings", (ex, call) -> openAi.inference(ex, InferenceEndpoint.EMBEDDING, true, call)),
                Map.entry("GET /api/v0/models", (ex, call) -> nativeApi.v0Models()),
                Map.entry("GET /api/v1/models", (ex, call) -> nativeApi.v1Models()),
                Map.entry("POST /api/v1/models/load", nativeApi::load),
                Map.entry("POST /api/v1/models/unload", (ex, call) -> nativeApi.unload(ex)),
                Map.entry("GET /__emulator/stats", (ex, call) -> control.stats()),
                Map.entry("GET /__emulator/faults", (ex, call) -> control.faults()),
                Map.entry("POST /__emulator/faults", (ex, call) -> control.setFaults(ex)),
                Map.entry("POST /__emulator/crash", (ex, call) -> control.crash(ex)));
    }

    @Override
    public void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        Cancellation call = runtime.open();
        Reply reply = null;
        int status;
        try {
            reply = dispatch(exchange, call);
            if (!reply.alreadyWritten()) {
                HttpIo.sendJson(exchange, reply.status(), reply.body());
            }
            status = reply.alreadyWritten() ? 200 : reply.status();
        } catch (RuntimeException | IOException e) {
            status = fail(exchange, e);
        } finally {
            runtime.close(call);
            exchange.close();
        }
        log.debug("{} {} -> {} in {} ms", exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                status == NO_RESPONSE ? "no response" : status, (System.nanoTime() - started) / 1_000_000);
        if (reply != null && reply.afterResponse() != null) {
            reply.afterResponse().run();
        }
    }

    private Reply dispatch(HttpExchange exchange, Cancellation call) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String normalized = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (!normalized.startsWith(ControlEndpoints.PREFIX)) {
            authorize(exchange);
        }
        runtime.loader.unloadIdle(); // TTLs are checked when a client could notice: at its next call
        Route route = routes.get(method + " " + normalized);
        if (route != null) {
            return route.handle(exchange, call);
        }
        if ("GET".equals(method) && normalized.startsWith(MODEL_PATH_V0)) {
            return nativeApi.v0Model(normalized.substring(MODEL_PATH_V0.length()));
        }
        return Reply.ok(LmStudioErrors.unexpectedEndpoint(method, path));
    }

    private void authorize(HttpExchange exchange) {
        if (apiKey == null) {
            return;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        byte[] expected = ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
        if (header == null || header.isBlank()) {
            throw LmStudioErrors.missingToken();
        }
        if (!MessageDigest.isEqual(expected, header.trim().getBytes(StandardCharsets.UTF_8))) {
            throw LmStudioErrors.malformedToken();
        }
    }

    /** Answers a failure if the connection still allows it; returns the status sent. */
    private int fail(HttpExchange exchange, Exception failure) {
        if (failure instanceof DropConnectionException || failure instanceof IOException
                || failure instanceof UncheckedIOException) {
            return NO_RESPONSE;
        }
        if (failure instanceof Cancellation.CancelledException) {
            return NO_RESPONSE;
        }
        ApiException answer = failure instanceof ApiException api ? api : internalError(failure);
        try {
            HttpIo.sendJson(exchange, answer.status(), answer.body());
            return answer.status();
        } catch (IOException | RuntimeException e) {
            return NO_RESPONSE;
        }
    }

    private static ApiException internalError(Exception failure) {
        log.warn("Emulator failed to serve a request", failure);
        var body = Json.object();
        body.put("error", "Internal emulator error: " + failure);
        return new ApiException(500, body);
    }
}
