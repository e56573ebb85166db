package dev.dmap.worker.backend;

import dev.dmap.schemas.Request;
import java.time.Clock;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * {@code dmap.backend.kind: auto}: finds out what the server is from its documented endpoints, on
 * the first call that reaches it, and from then on is that adapter. In order: LM Studio's
 * {@code GET /api/v1/models} or {@code /api/v0/models} (a JSON listing; LM Studio answers 200 even on
 * unknown paths, so the body decides), llama-server's {@code GET /props} ({@code role} or
 * {@code default_generation_settings}), then any {@code GET /v1/models} with a {@code data} list.
 * A server that answers none of them yet (down, or still loading its model) is unavailable, and
 * the next call tries again.
 */
final class DetectedBackend implements Backend {
    private static final Logger log = LoggerFactory.getLogger(DetectedBackend.class);

    private final BackendHttp http;
    private final Clock clock;
    private volatile Backend detected;

    DetectedBackend(BackendHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public String describe() {
        Backend known = detected;
        return known == null ? "not known yet (dmap.backend.kind: auto)" : known.describe();
    }

    @Override
    public ModelListing listModels() {
        return backend().listModels();
    }

    @Override
    public boolean controlsLoading() {
        return backend().controlsLoading();
    }

    @Override
    public boolean reportsSlots() {
        Backend known = detected;
        return known == null || known.reportsSlots(); // nothing is served before detection
    }


    @Override
    public void load(String model) {
        backend().load(model);
    }

    @Override
    public void unload(String instanceId) {
        backend().unload(instanceId);
    }

    @Override
    public HttpReply infer(String path, byte[] body, Map<String, String> headers) {
        return backend().infer(path, body, headers);
    }

    @Override
    public StreamedReply inferStreaming(String path, byte[] body, Map<String, String> headers, EventSink sink) {
        return backend().inferStreaming(path, body, headers, sink);
    }

    @Override
    public OptionalInt promptTokens(Request request) {
        return backend().promptTokens(request);
    }

    private Backend backend() {
        Backend known = detected;
        if (known == null) {
            synchronized (this) {
                known = detected;
                if (known == null) {
                    known = detect();
                    known.listModels(); // proves the choice before it sticks
                    detected = known;
                    log.info("Backend at {} is {} (dmap.backend.kind: auto)", http.settings().baseUrl(), known.describe());
                }
            }
        }
        return known;
    }

    private Backend detect() {
        if (answersWith("/api/v1/models", "models") || answersWith("/api/v0/models", "data")) {
            return new LmStudioBackend(http, clock);
        }
        if (answersWith("/props", "role") || answersWith("/props", "default_generation_settings")) {
            return new LlamaServerBackend(http, clock, Sleeper.SYSTEM);
        }
        if (answersWith("/v1/models", "data")) {
            return new OpenAiBackend(http, clock);
        }
        throw new BackendUnavailable("backend at " + http.settings().baseUrl() + " answers none of LM Studio's"
                + " /api/v1/models, llama-server's /props or OpenAI's /v1/models (yet); set dmap.backend.kind"
                + " if it is one of them", null, null);
    }

    private boolean answersWith(String path, String field) {
        HttpReply reply = http.probe(path);
        if (reply.statusCode() == 401 || reply.statusCode() == 403) {
            throw new FailureClassifier().classify(reply).orElseThrow(); // says which key to set
        }
        if (!reply.isSuccess()) {
            return false;
        }
        JsonNode json = reply.json();
        return json.has(field) && !json.path("error").isString() && !json.path("error").isObject();
    }
}
