package dev.dmap.worker.backend;

import dev.dmap.worker.config.BackendSettings;
import java.time.Clock;

/** Builds the backend adapter that {@code dmap.backend.kind} names. */
public final class Backends {
    private Backends() {
    }

    public static Backend connect(BackendSettings settings, Clock clock) {
        BackendHttp http = new BackendHttp(settings, new FailureClassifier());
        return switch (settings.kind()) {
            case LMSTUDIO -> new LmStudioBackend(http, clock);
            case LLAMA_SERVER -> new LlamaServerBackend(http, clock, Sleeper.SYSTEM);
            case OPENAI -> new OpenAiBackend(http, clock);
            case AUTO -> new DetectedBackend(http, clock);
        };
    }
}
