package dev.dmap.worker.pipeline;

import dev.dmap.schemas.Request;
import dev.dmap.worker.backend.RetryableFailure;
import tools.jackson.databind.JsonNode;

/** Told what the pipeline sees, for metrics and warnings; implementations must be thread-safe. */
public interface PipelineListener {
    /** A backend call failed and will be retried if attempts remain. */
    default void retried(String model, RetryableFailure failure) {
    }

    /**
     * A request succeeded.
     *
     * @param body          the backend's response body
     * @param estimatedPrompt our prompt token estimate, to compare with {@code usage.prompt_tokens}
     */
    default void served(Request request, JsonNode body, int estimatedPrompt) {
    }

    /** Both listeners, in order. */
    static PipelineListener both(PipelineListener first, PipelineListener second) {
        return new PipelineListener() {
            @Override
            public void retried(String model, RetryableFailure failure) {
                first.retried(model, failure);
                second.retried(model, failure);
            }

            @Override
            public void served(Request request, JsonNode body, int estimatedPrompt) {
                first.served(request, body, estimatedPrompt);
                second.served(request, body, estimatedPrompt);
            }
        };
    }
}
