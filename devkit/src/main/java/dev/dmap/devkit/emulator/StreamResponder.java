package dev.dmap.devkit.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Writes a served call as OpenAI server-sent events ({@code stream: true}). Headers and the
 * role chunk go out when the first token is due (after the prefill wait), so a client sees a
 * real time to first token; the content follows in word-sized chunks once generation ends.
 * An error after the headers are out becomes an {@code error} event, as LM Studio does since
 * 0.3.18, because the status can no longer change.
 */
final class StreamResponder {
    private final HttpExchange exchange;
    private final InferenceEndpoint endpoint;
    private final boolean includeUsage;
    private final String id;
    private HttpIo.EventStream stream;
    private int sentPieces;
    private String model;

    StreamResponder(HttpExchange exchange, InferenceEndpoint endpoint, JsonNode body) {
        this.exchange = exchange;
        this.endpoint = endpoint;
        this.includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        this.id = ResponseBodies.newId(endpoint == InferenceEndpoint.CHAT ? "chatcmpl-" : "cmpl-");
    }

    /** Opens the stream (and sends the role chunk of a chat); the engine's first-token callback. */
    void firstToken(ModelInstance instance) {
        try {
            stream = HttpIo.EventStream.open(exchange);
            model = instance.id();
            if (endpoint == InferenceEndpoint.CHAT) {
                stream.data(ResponseBodies.chatChunk(id, instance.id(), "assistant", "", null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends the pieces decoded by now that were not sent yet; the engine's progress callback. */
    void decoded(ContentGenerator.Completion completion, double fraction) {
        List<String> pieces = pieces(completion.text());
        int upTo = (int) Math.floor(pieces.size() * fraction);
        try {
            for (; sentPieces < upTo; sentPieces++) {
                sendPiece(pieces.get(sentPieces));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void sendPiece(String piece) throws IOException {
        stream.data(endpoint == InferenceEndpoint.CHAT ? ResponseBodies.chatChunk(id, model, null, piece, null)
                : ResponseBodies.textChunk(id, model, piece, null));
    }

    /** Sends the content not sent yet, the finish chunk, usage if asked, and {@code [DONE]}. */
    void finish(InferenceEngine.Served served) throws IOException {
        ContentGenerator.Completion completion = served.completion();
        boolean chat = endpoint == InferenceEndpoint.CHAT;
        String model = served.instance().id();
        List<String> pieces = pieces(completion.text());
        for (; sentPieces < pieces.size(); sentPieces++) {
            sendPiece(pieces.get(sentPieces));
        }
        stream.data(chat ? ResponseBodies.chatChunk(id, model, null, null, completion.finishReason())
                : ResponseBodies.textChunk(id, model, "", completion.finishReason()));
        if (includeUsage) {
            stream.data(ResponseBodies.usageChunk(id, chat ? "chat.completion.chunk" : "text_completion", served));
        }
        stream.done();
    }

    /** True once headers are out: errors must then be written as events. */
    boolean started() {
        return stream != null;
    }

    void error(ApiException error) throws IOException {
        stream.data(error.body());
        stream.done();
    }

    /** Splits text before each space, so concatenating the pieces gives the text back. */
    private static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (text.charAt(i) == ' ') {
                pieces.add(text.substring(start, i));
                start = i;
            }
        }
        if (start < text.length()) {
            pieces.add(text.substring(start));
        }
        return pieces;
    }
}
