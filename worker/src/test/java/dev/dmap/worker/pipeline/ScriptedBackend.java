package dev.dmap.worker.pipeline;

import dev.dmap.schemas.Request;
import dev.dmap.worker.backend.Backend;
import dev.dmap.worker.backend.BackendUnavailable;
import dev.dmap.worker.backend.HttpReply;
import dev.dmap.worker.backend.LoadedModel;
import dev.dmap.worker.backend.ModelListing;
import dev.dmap.worker.backend.RetryableFailure;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A backend whose answers a test scripts: one model, loaded until a step restarts the server;
 * each inference call takes the next step.
 */
final class ScriptedBackend implements Backend {
    static final String MODEL = "m";
    static final String OK = "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":{\"content\":\"hi\"}}],"
            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}";

    private final Clock clock;
    private final Deque<Supplier<HttpReply>> steps = new ArrayDeque<>();
    int contextLength = 4096;
    OptionalInt exactPromptTokens = OptionalInt.empty();
    boolean down;
    boolean loaded = true;
    int calls;
    int loads;

    ScriptedBackend(Clock clock) {
        this.clock = clock;
    }

    /** The next call answers 200 with {@link #OK}. */
    ScriptedBackend succeeds() {
        steps.add(() -> new HttpReply(200, OK.getBytes(StandardCharsets.UTF_8), Optional.empty()));
        return this;
    }

    /** The next call breaks its connection, and the server comes back at once with nothing loaded. */
    ScriptedBackend restartsMidCall() {
        steps.add(() -> {
            loaded = false;
            throw new RetryableFailure(RetryableFailure.Reason.CONNECTION_DROPPED, "connection reset", null, null);
        });
        return this;
    }

    /** The next call answers 200 if the model is loaded, else LM Studio's retryable "No models loaded". */
    ScriptedBackend succeedsIfLoaded() {
        steps.add(() -> {
            if (!loaded) {
                throw new RetryableFailure(RetryableFailure.Reason.MODEL_NOT_READY, "No models loaded", null, null);
            }
            return new HttpReply(200, OK.getBytes(StandardCharsets.UTF_8), Optional.empty());
        });
        return this;
    }

    /** The next call throws {@code failure}. */
    ScriptedBackend fails(RuntimeException failure) {
        steps.add(() -> {
            throw failure;
        });
        return this;
    }

    @Override
    public String describe() {
        return "scripted backend";
    }

    @Override
    public ModelListing listModels() {
        if (down) {
            throw new BackendUnavailable("backend not reachable: scripted", null, null);
        }
        Map<String, LoadedModel> held = loaded
                ? Map.of(MODEL, new LoadedModel(MODEL, List.of(MODEL), contextLength, 4, 0)) : Map.of();
        return new ModelListing(Set.of(MODEL), held, clock.instant());
    }

    @Override
    public boolean controlsLoading() {
        return true;
    }

    @Override
    public void load(String model) {
        loads++;
        loaded = true;
    }

    @Override
    public void unload(String instanceId) {
    }

    @Override
    public HttpReply infer(String path, byte[] body, Map<String, String> headers) {
        calls++;
        if (steps.isEmpty()) {
            throw new AssertionError("an inference call the test did not script");
        }
        return steps.poll().get();
    }

    @Override
    public OptionalInt promptTokens(Request request) {
        return exactPromptTokens;
    }
}
