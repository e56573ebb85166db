package dev.dmap.worker.backend;

import dev.dmap.schemas.MessageCodec;
import dev.dmap.worker.config.BackendSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * HTTP to one inference server, shared by every adapter: JSON GETs and POSTs with the API key,
 * timeouts from the settings, and every outcome that is not a 2xx thrown as the
 * {@link BackendFailure} that {@link FailureClassifier} makes of it. Plain JDK {@link HttpClient},
 * HTTP/1.1, one per worker. Thread-safe; does not retry.
 */
public final class BackendHttp {
    private static final String JSON = "application/json";

    private final BackendSettings settings;
    private final HttpClient http;
    private final FailureClassifier classifier;

    public BackendHttp(BackendSettings settings, FailureClassifier classifier) {
        this.settings = settings;
        this.classifier = classifier;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .build();
    }

    BackendSettings settings() {
        return settings;
    }

    /** A GET for metadata (listings, properties), bounded by a few connect timeouts. */
    HttpReply get(String path) {
        Duration timeout = metadataTimeout();
        return send(request(path, timeout).GET().build());
    }

    /** A GET that answers whatever status the server gives: for probing what a server is. */
    HttpReply probe(String path) {
        return exchange(request(path, metadataTimeout()).GET().build());
    }

    /** A POST of a JSON body for metadata or control (tokenize, load, unload). */
    HttpReply post(String path, JsonNode body, Duration timeout) {
        return send(request(path, timeout)
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(MessageCodec.encode(body)))
                .build());
    }

    /** An inference call, bounded by the request timeout. */
    HttpReply infer(String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = request(path, settings.requestTimeout())
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    /**
     * A streamed inference call ({@code "stream": true} in the body): each server-sent event goes to
     * {@code sink} as it arrives, up to {@code [DONE]}. Returns the events' data in order as the reply
     * body's lines; a reply that is not an event stream (a server that ignored {@code stream}, or an
     * error) comes back, or is thrown, as {@link #infer} would.
     */
    StreamedReply stream(String path, byte[] body, Map<String, String> headers, EventSink sink) {
        HttpRequest.Builder builder = request(path, settings.requestTimeout())
                .header("Content-Type", JSON)
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(builder::header);
        HttpRequest request = builder.build();
        HttpResponse<java.util.stream.Stream<String>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw classifier.classify(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterrupted("interrupted while waiting for " + path, e);
        }
        boolean eventStream = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
        try (java.util.stream.Stream<String> lines = response.body()) {
            if (response.statusCode() / 100 != 2 || !eventStream) {
                byte[] whole = String.join("\n", lines.toList()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                HttpReply reply = new HttpReply(response.statusCode(), whole, retryAfter(response));
                classifier.classify(reply).ifPresent(failure -> {
                    throw failure;
                });
                return new StreamedReply(reply, null);
            }
            return new StreamedReply(null, ServerSentEvents.read(lines.iterator(), sink));
        } catch (java.io.UncheckedIOException e) {
            throw classifier.classify(e.getCause());
        }
    }

    Duration metadataTimeout() {
        return settings.connectTimeout().multipliedBy(6);
    }

    private HttpReply send(HttpRequest request) {
        HttpReply reply = exchange(request);
        Optional<BackendFailure> failure = classifier.classify(reply);
        if (failure.isPresent()) {
            throw failure.get();
        }
        return reply;
    }

    /** One request and its answer, whatever the status; an I/O failure is classified, an interrupt kept. */
    private HttpReply exchange(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new HttpReply(response.statusCode(), response.body(), retryAfter(response));
        } catch (IOException e) {
            throw classifier.classify(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallInterrupted("interrupted while waiting for " + request.uri().getPath(), e);
        }
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
