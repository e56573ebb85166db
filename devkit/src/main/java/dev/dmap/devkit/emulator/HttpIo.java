package dev.dmap.devkit.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Reading request bodies and writing JSON and server-sent-event responses. */
final class HttpIo {
    private static final String JSON = "application/json; charset=utf-8";

    private HttpIo() {
    }

    /**
     * Reads the body as a JSON object.
     *
     * @throws ApiException 400 when it is not one
     */
    static ObjectNode readObject(HttpExchange exchange) throws IOException {
        return Json.parseObject(exchange.getRequestBody().readAllBytes());
    }

    static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body);
        exchange.getResponseHeaders().set("Content-Type", JSON);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** An open {@code text/event-stream} response, as OpenAI streaming uses. */
    static final class EventStream {
        private final OutputStream out;

        private EventStream(OutputStream out) {
            this.out = out;
        }

        /** Sends 200 with chunked encoding and returns the stream to write events to. */
        static EventStream open(HttpExchange exchange) throws IOException {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            return new EventStream(exchange.getResponseBody());
        }

        void data(JsonNode event) throws IOException {
            write("data: " + event + "\n\n");
        }

        /** OpenAI's end-of-stream marker; closes the stream. */
        void done() throws IOException {
            write("data: [DONE]\n\n");
            out.close();
        }

        private void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }
}
