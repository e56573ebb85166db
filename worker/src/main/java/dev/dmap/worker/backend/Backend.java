package dev.dmap.worker.backend;

import dev.dmap.schemas.Request;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What the worker needs from an inference server, whatever it is: the models it offers with their
 * load state, context and slots; load and unload, where the server lets a client control them;
 * inference; exact prompt token counts, where the server can count; and (through the listing)
 * health. Adapters: {@link LmStudioBackend}, {@link LlamaServerBackend} (single-model and router
 * mode), {@link OpenAiBackend}; {@link Backends} picks one. Implementations are thread-safe
 * and do not retry: failures come back as {@link BackendFailure}s.
 */
public interface Backend {
    /** What this adapter talks to, for logs and health, e.g. {@code "llama-server (router)"}. */
    String describe();

    /** Every available model and what is loaded now; answering at all is the health check. */
    ModelListing listModels();

    /** Whether {@link #load} and {@link #unload} do anything; false for servers with a fixed model set. */
    boolean controlsLoading();

    /**
     * Whether the server reports each model's parallel slots (LM Studio, llama-server); where it
     * does not, the worker searches for the window ({@code dmap.backend.max-window}).
     */
    default boolean reportsSlots() {
        return true;
    }

    /** Loads a model and returns when it is loaded. */
    void load(String model);

    /** Unloads one loaded instance. */
    void unload(String instanceId);

    /**
     * One inference call, e.g. {@code POST /v1/chat/completions}. Returns the 2xx reply; any other
     * outcome is thrown as a classified {@link BackendFailure}.
     *
     * @param headers extra request headers, e.g. {@code traceparent}
     */
    HttpReply infer(String path, byte[] body, Map<String, String> headers);

    /**
     * A streamed inference call: the body asks for {@code "stream": true}; each event goes to
     * {@code sink} as it arrives. By default the call is made whole (a server that cannot stream).
     */
    default StreamedReply inferStreaming(String path, byte[] body, Map<String, String> headers, EventSink sink) {
        return new StreamedReply(infer(path, body, headers), null);
    }

    /**
     * The request's exact prompt tokens as the server will count them, or empty when the server
     * cannot say (then the worker estimates), as most cannot. Called only while the request's model
     * is loaded.
     */
    default OptionalInt promptTokens(Request request) {
        return OptionalInt.empty();
    }
}
