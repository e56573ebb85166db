package dev.dmap.worker.pipeline;

import dev.dmap.schemas.Request;
import dev.dmap.worker.backend.HttpReply;
import dev.dmap.worker.backend.ModelResidency;
import dev.dmap.worker.backend.RetryableFailure;
import dev.dmap.worker.scheduling.AdaptiveWindow;
import tools.jackson.databind.JsonNode;

/**
 * Feeds the backend's answers into the {@link AdaptiveWindow}: a 429, 503 or timeout shrinks the model's
 * window and pauses it (for the server's Retry-After, when it sends one); successes grow it
 * back. LM Studio's own queue is invisible, so dmap keeps it empty by construction instead: at
 * most the parallel slots are in flight per model.
 */
public final class BackPressure implements PipelineListener {
    private final AdaptiveWindow window;
    private final ModelResidency residency;

    public BackPressure(AdaptiveWindow window, ModelResidency residency) {
        this.window = window;
        this.residency = residency;
    }

    @Override
    public void retried(String model, RetryableFailure failure) {
        if (failure.isBackPressure()) {
            window.overloaded(model, residency.slotsFor(model),
                    failure.reply().flatMap(HttpReply::retryAfter).orElse(null));
        }
    }

    @Override
    public void served(Request request, JsonNode body, int estimatedPrompt) {
        window.succeeded(request.model(), residency.slotsFor(request.model()));
    }
}
