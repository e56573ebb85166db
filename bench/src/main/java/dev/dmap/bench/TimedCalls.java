package dev.dmap.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Chat calls to a server (direct, or dmap's gateway), timed from the caller's side. */
final class TimedCalls {
    static final String CHAT = "/v1/chat/completions";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private TimedCalls() {
    }

    /** Seconds from sending to the whole answer, or -1 for a failure. */
    static double call(URI server, String body) throws Exception {
        return call(server, body, null);
    }

    /** The same, handing the answer's {@code X-Dmap-Request-Id} to {@code requestIds} (when not null). */
    static double call(URI server, String body, java.util.List<String> requestIds) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = HTTP.send(request(server, body), HttpResponse.BodyHandlers.ofString());
        if (requestIds != null) {
            response.headers().firstValue("X-Dmap-Request-Id").ifPresent(requestIds::add);
        }
        return response.statusCode() == 200 ? (System.nanoTime() - started) / 1e9 : -1;
    }

    /** Seconds from sending to the first streamed event, or -1; the rest of the stream is read to its end. */
    static double firstToken(URI server, String body) throws Exception {
        long started = System.nanoTime();
        HttpResponse<InputStream> response = HTTP.send(request(server, body), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            return -1;
        }
        double first = -1;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (first < 0 && line.startsWith("data: ")) {
                    first = (System.nanoTime() - started) / 1e9;
                }
            }
        }
        return first;
    }

    /** The models a gateway lists. */
    static String models(URI dmap) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(dmap.resolve("/v1/models")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static HttpRequest request(URI server, String body) {
        return HttpRequest.newBuilder(server.resolve(CHAT)).timeout(Duration.ofMinutes(5)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
