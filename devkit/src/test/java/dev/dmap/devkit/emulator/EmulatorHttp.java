package dev.dmap.devkit.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** A small java.net.http client for the emulator ITs: JSON in, status and parsed JSON out. */
final class EmulatorHttp {
    /** One answer; {@code json} is null when the body is not JSON (a stream). */
    record Answer(int status, String text, JsonNode json) {
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    EmulatorHttp(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    EmulatorHttp(URI base) {
        this(base, null);
    }

    Answer get(String path) throws IOException, InterruptedException {
        return answer(client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    Answer post(String path, String json) throws IOException, InterruptedException {
        return answer(client.send(postRequest(path, json), HttpResponse.BodyHandlers.ofString()));
    }

    CompletableFuture<Answer> postAsync(String path, String json) {
        return client.sendAsync(postRequest(path, json), HttpResponse.BodyHandlers.ofString()).thenApply(EmulatorHttp::answer);
    }

    static String chat(String model, String content) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    static String chat(String model, String content, int maxTokens) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    static String load(String model) {
        return "{\"model\":\"" + model + "\"}";
    }

    private HttpRequest postRequest(String path, String json) {
        return request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    private static Answer answer(HttpResponse<String> response) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(response.body());
        } catch (JacksonException e) {
            json = null;
        }
        return new Answer(response.statusCode(), response.body(), json);
    }

    static <T> T unchecked(IoCall<T> call) {
        try {
            return call.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    interface IoCall<T> {
        T run() throws IOException, InterruptedException;
    }
}
