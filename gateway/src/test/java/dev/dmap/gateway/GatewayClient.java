package dev.dmap.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.schemas.MessageCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** A plain HTTP client of the gateway for tests that are about the gateway, not an SDK: each call must answer 200. */
final class GatewayClient {
    static final String BOUNDARY = "dmap-test-boundary";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String key;

    GatewayClient(String baseUrl, String key) {
        this.baseUrl = baseUrl;
        this.key = key;
    }

    JsonNode get(String path) throws Exception {
        return answer(HTTP.send(request(path).build(), HttpResponse.BodyHandlers.ofString()));
    }

    JsonNode post(String path, String json) throws Exception {
        return answer(HTTP.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** {@code POST /v1/files} of a whole file, {@code purpose=batch}. */
    JsonNode upload(Path file) throws Exception {
        byte[] body = multipartBody(file.getFileName().toString(), Files.readAllBytes(file));
        return answer(HTTP.send(request("/files").header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** Creates a batch of the file for chat completions within 24 h. */
    JsonNode createBatch(String fileId) throws Exception {
        return post("/batches", "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
    }

    /** The file's content, downloaded into {@code target}. */
    Path download(JsonNode fileId, Path target) throws Exception {
        assertThat(fileId.isString()).as("file id %s", fileId).isTrue();
        HttpResponse<Path> response = HTTP.send(request("/files/" + fileId.asString() + "/content").build(),
                HttpResponse.BodyHandlers.ofFile(target));
        assertThat(response.statusCode()).isEqualTo(200);
        return target;
    }

    /** Polls the batch until {@code until} holds (3 minutes at most) and returns what it last read. */
    JsonNode awaitBatch(String id, Predicate<JsonNode> until) throws Exception {
        return await("batch " + id).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("/batches/" + id), until::test);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + key);
    }

    /** A multipart upload body: {@code purpose=batch} and {@code content} as the file named {@code filename}. */
    static byte[] multipartBody(String filename, byte[] content) {
        byte[] head = multipartHead(filename);
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        return body;
    }

    static byte[] multipartHead(String filename) {
        return ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/jsonl\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode answer(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("%s: %s", response.uri(), response.body()).isEqualTo(200);
        return MessageCodec.mapper().readTree(response.body());
    }
}
