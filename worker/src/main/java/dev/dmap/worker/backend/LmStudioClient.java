package dev.dmap.worker.backend;

import dev.dmap.schemas.MessageCodec;
import dev.dmap.worker.config.BackendSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * Outbound HTTP to LM Studio: the OpenAI-compatible inference endpoints, and the native REST API
 * for the model list, loads and unloads. Plain JDK {@link HttpClient}, HTTP/1.1, one client per
 * worker. Thread-safe. Failures come back as {@link BackendFailure}s from
 * {@link FailureClassifier}; this class does not retry.
 */
public final class LmStudioClient implements ModelApi {
    private static final String JSON = "application/json";

    private final BackendSettings settings;
    private final HttpClient http;
    private final FailureClassifier classifier;
    private final ModelListingParser listingParser;

    public LmStudioClient(BackendSettings settings, FailureClassifier classifier, Clock clock) {
        this.settings = settings;
        this.classifier = classifier;
        this.listingParser = new ModelListingParser(clock);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .build();
    }

    /**
     * Every available model and what is loaded: {@code GET /api/v1/models}, falling back to
     * {@code /api/v0/models} on servers older than LM Studio 0.4. LM Studio answers 200 even for
     * unknown paths, so a listing without the expected root counts as absent.
     */
    @Override
    public ModelListing listModels() {
        HttpReply v1 = send(get("/api/v1/models"), settings.connectTimeout().multipliedBy(6));
        Optional<ModelListing> listing = listingParser.parseV1(v1);
        if (listing.isPresent()) {
            return listing.get();
        }
        HttpReply v0 = send(get("/api/v0/models"), settings.connectTimeout().multipliedBy(6));
        return listingParser.parseV0(v0).orElseThrow(() -> new BackendUnavailable(
                "backend at " + settings.baseUrl() + " does not serve LM Studio's model API (/api/v1/models or /api/v0/models)",
                v0, null));
    }

    /** {@code POST /api/v1/models/load}: synchronous, so it waits up to the load timeout. */
    @Override
    public void load(String model) {
        ObjectNode body = MessageCodec.mapper().createObjectNode().put("model", model).put("echo_load_config", true);
        send(post("/api/v1/models/load", body, settings.loadTimeout()), settings.loadTimeout());
    }

    /** {@code POST /api/v1/models/unload} of one instance. */
    @Override
    public void unload(String instanceId) {
        ObjectNode body = MessageCodec.mapper().createObjectNode().put("instance_id", instanceId);
        send(post("/api/v1/models/unload", body, settings.loadTimeout()), settings.loadTimeout());
    }

    /**
     * One inference call, e.g. {@code POST /v1/chat/completions}. Returns the 2xx reply; any
     * other outcome is thrown as a classified {@link BackendFailure}.
     *
     * @param headers extra request headers, e.g. {@code traceparent}
     */
    public HttpReply infer(String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = request(path, settings.requestTimeout())
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return send(request.build(), settings.requestTimeout());
    }

    private HttpReply send(HttpRequest request, Duration timeout) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw classifier.classify(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterrupted("interrupted while waiting for " + request.uri().getPath(), e);
        }
        HttpReply reply = new HttpReply(response.statusCode(), response.body(), retryAfter(response));
        Optional<BackendFailure> failure = classifier.classify(reply);
        if (failure.isPresent()) {
            throw failure.get();
        }
        return reply;
    }

    private HttpRequest get(String path) {
        return request(path, settings.connectTimeout().multipliedBy(6)).GET().build();
    }

    private HttpRequest post(String path, ObjectNode body, Duration timeout) {
        return request(path, timeout)
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(MessageCodec.encode(body)))
                .build();
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(resolve(path)).timeout(timeout).header("Accept", JSON);
        if (settings.apiKey() != null) {
            builder.header("Authorization", "Bearer " + settings.apiKey());
        }
        return builder;
    }

    private URI resolve(String path) {
        String base = settings.baseUrl().toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
