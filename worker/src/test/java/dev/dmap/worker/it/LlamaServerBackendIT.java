package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmap.devkit.engine.LlamaServer;
import dev.dmap.devkit.net.FreePorts;
import dev.dmap.schemas.Decoded;
import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.RequestDecoder;
import dev.dmap.worker.backend.Backend;
import dev.dmap.worker.backend.Backends;
import dev.dmap.worker.backend.LoadedModel;
import dev.dmap.worker.backend.ModelListing;
import dev.dmap.worker.backend.PermanentFailure;
import dev.dmap.worker.config.BackendKind;
import dev.dmap.worker.config.BackendSettings;
import java.time.Clock;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The backend adapters against a real llama.cpp llama-server (tiny generated models: the text is
 * gibberish, so only structure is asserted: status codes, usage numbers, token counts, slots, contexts,
 * error types).
 */
class LlamaServerBackendIT {
    private LlamaServer server;

    @BeforeEach
    void requireEngine() {
        RealEngine.require();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldFindASingleModelServerWithItsContextAndSlotsAndNoLoadControl() {
        server = LlamaServer.single(LlamaServer.SPM_64, FreePorts.next(), "--parallel", "3");
        Backend backend = connect(BackendKind.AUTO);

        ModelListing listing = backend.listModels();

        assertThat(backend.describe()).startsWith("llama-server (single-model mode");
        assertThat(backend.controlsLoading()).isFalse();
        assertThat(listing.available()).containsExactly(LlamaServer.SPM_64);
        LoadedModel model = listing.loaded().get(LlamaServer.SPM_64);
        assertThat(model.contextLength()).isEqualTo(1024);
        assertThat(model.parallelSlots()).isEqualTo(3);
    }

    @Test
    void shouldCountChatAndCompletionPromptsExactlyAsTheServerBillsThem() {
        server = LlamaServer.single(LlamaServer.QWEN2TOK_128, FreePorts.next());
        Backend backend = connect(BackendKind.LLAMA_SERVER);
        for (Request request : new Request[] {
            chat("c1", LlamaServer.QWEN2TOK_128, "Explain Kafka partitions in one line, with an example.", 4),
            completion("p1", LlamaServer.QWEN2TOK_128, "Once upon a time, in a data centre far away,", 4)}) {
            OptionalInt counted = backend.promptTokens(request);

            JsonNode usage = infer(backend, request).path("usage");

            assertThat(counted).as(request.url()).isPresent();
            assertThat(counted.getAsInt()).as(request.url()).isEqualTo(usage.path("prompt_tokens").asInt()).isPositive();
        }
    }

    @Test
    void shouldClassifyTheServersOverflowErrorAsContextLengthExceeded() {
        server = LlamaServer.single(LlamaServer.SPM_64, FreePorts.next());
        Backend backend = connect(BackendKind.LLAMA_SERVER);
        Request tooLong = chat("long", LlamaServer.SPM_64, "word ".repeat(3_000), 4);

        assertThat(backend.promptTokens(tooLong).getAsInt()).isGreaterThan(1024);
        assertThatThrownBy(() -> infer(backend, tooLong)).isInstanceOfSatisfying(PermanentFailure.class, failure -> {
            assertThat(failure.code()).isEqualTo(ErrorCode.CONTEXT_LENGTH_EXCEEDED);
            assertThat(failure.reply().orElseThrow().statusCode()).isEqualTo(400);
            assertThat(failure.reply().orElseThrow().errorCode()).isEqualTo("exceed_context_size_error");
        });
    }

    @Test
    void shouldCountEmbeddingInputsExactly() {
        server = LlamaServer.single(LlamaServer.LLAMA3TOK_256, FreePorts.next(), "--embeddings", "--pooling", "mean");
        Backend backend = connect(BackendKind.LLAMA_SERVER);
        Request request = decode("{\"custom_id\":\"e1\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\""
                + LlamaServer.LLAMA3TOK_256 + "\",\"input\":[\"first text to embed\",\"a second, longer text to embed\"]}}");

        OptionalInt counted = backend.promptTokens(request);
        JsonNode reply = infer(backend, request);

        assertThat(reply.path("data")).hasSize(2);
        assertThat(reply.path("data").get(0).path("embedding")).hasSize(256);
        assertThat(counted.getAsInt()).isEqualTo(reply.path("usage").path("prompt_tokens").asInt());
    }

    @Test
    void shouldLoadAndUnloadInRouterModeAndWaitUntilTheModelIsLoaded() {
        server = LlamaServer.router(2, FreePorts.next(), "--parallel", "2");
        Backend backend = connect(BackendKind.AUTO);

        assertThat(backend.listModels().available()).containsExactlyInAnyOrderElementsOf(LlamaServer.MODELS);
        assertThat(backend.listModels().loaded()).isEmpty();
        assertThat(backend.describe()).startsWith("llama-server (router mode, up to 2 models");
        assertThat(backend.controlsLoading()).isTrue();
        assertThat(backend.listModels().maxLoaded()).isEqualTo(2);

        backend.load(LlamaServer.QWEN2TOK_128); // returns only once the router says "loaded"

        LoadedModel loaded = backend.listModels().loaded().get(LlamaServer.QWEN2TOK_128);
        assertThat(loaded.contextLength()).isEqualTo(2048);
        assertThat(loaded.parallelSlots()).isEqualTo(2);
        Request request = chat("r1", LlamaServer.QWEN2TOK_128, "Hello there", 4);
        assertThat(backend.promptTokens(request).getAsInt())
                .isEqualTo(infer(backend, request).path("usage").path("prompt_tokens").asInt());

        backend.unload(LlamaServer.QWEN2TOK_128);
        assertThat(backend.listModels().loaded()).isEmpty();
    }

    @Test
    void shouldServeASingleModelLlamaServerAsAPlainOpenAiServer() {
        server = LlamaServer.single(LlamaServer.SPM_64, FreePorts.next());
        Backend backend = connect(BackendKind.OPENAI);

        ModelListing listing = backend.listModels();

        assertThat(backend.controlsLoading()).isFalse();
        assertThat(listing.loaded().get(LlamaServer.SPM_64).contextLength()).isEqualTo(1024); // from meta.n_ctx
        assertThat(backend.promptTokens(chat("o1", LlamaServer.SPM_64, "Hi", 4))).isEmpty();
        assertThat(infer(backend, chat("o1", LlamaServer.SPM_64, "Hi", 4)).path("usage").path("completion_tokens").asInt())
                .isEqualTo(4);
    }

    private Backend connect(BackendKind kind) {
        return Backends.connect(BackendSettings.defaults(server.baseUrl()).withKind(kind), Clock.systemUTC());
    }

    private static JsonNode infer(Backend backend, Request request) {
        return backend.infer(request.url(), MessageCodec.encode(request.body()), Map.of()).json();
    }

    static Request chat(String id, String model, String text, int maxTokens) {
        return decode(TestKafka.chatRequest(id, model, text, maxTokens));
    }

    static Request completion(String id, String model, String prompt, int maxTokens) {
        return decode("{\"custom_id\":\"" + id + "\",\"url\":\"/v1/completions\",\"body\":{\"model\":\"" + model
                + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":" + maxTokens + ",\"temperature\":0}}");
    }

    static Request decode(String line) {
        return ((Decoded.Valid) new RequestDecoder().decode(line)).request();
    }
}
