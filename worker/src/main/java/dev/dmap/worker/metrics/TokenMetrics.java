package dev.dmap.worker.metrics;

import dev.dmap.schemas.Request;
import dev.dmap.schemas.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** Tokens the backend counted for each answer, and answers whose prompt it counted far below our estimate. */
final class TokenMetrics {
    private static final Logger log = LoggerFactory.getLogger(TokenMetrics.class);
    /** Below this share of our estimate, a prompt was probably truncated by the server. */
    private static final double TRUNCATION_RATIO = 0.5;
    private final MeterRegistry registry;

    TokenMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void served(Request request, JsonNode body, int estimatedPrompt) {
        JsonNode usage = body.path("usage");
        Usage counted = Usage.of(usage);
        long prompt = counted.promptTokens();
        long completion = counted.completionTokens();
        tokens(request.model(), "prompt", prompt);
        tokens(request.model(), "completion", completion);
        Counter truncations = Counter.builder(MetricNames.PROMPT_TRUNCATION_SUSPECTED)
                .description("Answers whose prompt token count is far below the estimate")
                .tag("model", request.model()).register(registry); // reads 0 until it happens
        if (Usage.hasPromptCount(usage) && estimatedPrompt > 32 && prompt < estimatedPrompt * TRUNCATION_RATIO) {
            log.warn("Request {}: the server counted {} prompt tokens, we estimated {}; the prompt may have been truncated",
                    request.id(), prompt, estimatedPrompt);
            truncations.increment();
        }
    }

    private void tokens(String model, String kind, long count) {
        Counter.builder(MetricNames.TOKENS).description("Tokens processed, from the backend's usage")
                .tags("model", model, "kind", kind).register(registry).increment(count);
    }
}
