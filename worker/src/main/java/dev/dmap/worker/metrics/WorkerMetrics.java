package dev.dmap.worker.metrics;

import dev.dmap.schemas.Request;
import dev.dmap.worker.backend.ResidencyListener;
import dev.dmap.worker.backend.RetryableFailure;
import dev.dmap.worker.pipeline.PipelineListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/** The worker's meters. Thread-safe; gauges read values the poll loop publishes here. */
public final class WorkerMetrics implements ResidencyListener, PipelineListener {
    private static final Logger log = LoggerFactory.getLogger(WorkerMetrics.class);
    /** SLO buckets for request latency: sub-second chat turns to multi-minute generations. */
    private static final Duration[] LATENCY_SLOS = {
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(1500), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(5)};
    /** Below this share of our estimate, a prompt was probably truncated by the server. */
    private static final double TRUNCATION_RATIO = 0.5;

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> queueDepth = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger backendUp = new AtomicInteger(1);

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(MetricNames.BACKEND_UP, backendUp, AtomicInteger::get)
                .description("1 while the backend answers, 0 while the worker waits for it").register(registry);
    }

    public void requestFinished(String model, String status, Duration took) {
        Timer.builder(MetricNames.REQUEST_DURATION)
                .description("Time from the start of work on a request to its outcome")
                .tags("model", model, "status", status)
                .serviceLevelObjectives(LATENCY_SLOS)
                .register(registry)
                .record(took);
    }

    public void deadLetter(String model, String code) {
        Counter.builder(MetricNames.DEAD_LETTERS).description("Dead letters published")
                .tags("model", model == null ? "unknown" : model, "code", code).register(registry).increment();
    }

    public void backendUp(boolean up) {
        backendUp.set(up ? 1 : 0);
    }

    /** Sets the queue depth of a model; the gauge appears on first use. */
    public void queueDepth(String model, long depth) {
        queueDepth.computeIfAbsent(model, m -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(MetricNames.QUEUE_DEPTH, value, AtomicLong::get)
                    .description("Requests waiting for this worker, per model").tag("model", m).register(registry);
            return value;
        }).set(depth);
    }

    public void inFlight(String model, int count) {
        inFlight.computeIfAbsent(model, m -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder(MetricNames.IN_FLIGHT, value, AtomicInteger::get)
                    .description("Requests being served now, per model").tag("model", m).register(registry);
            return value;
        }).set(count);
    }

    @Override
    public void loaded(String model, String replaced, Duration took) {
        Counter.builder(MetricNames.MODEL_SWAPS).description("Model loads, by the model they replaced")
                .tags("from", replaced == null ? "none" : replaced, "to", model).register(registry).increment();
        Timer.builder(MetricNames.MODEL_LOAD_DURATION).description("Model load calls")
                .tag("model", model).register(registry).record(took);
    }

    @Override
    public void retried(String model, RetryableFailure failure) {
        Counter.builder(MetricNames.RETRIES).description("Backend calls that failed and were retried")
                .tag("reason", failure.reason().tag()).register(registry).increment();
    }

    @Override
    public void served(Request request, JsonNode body, int estimatedPrompt) {
        JsonNode usage = body.path("usage");
        long prompt = usage.path("prompt_tokens").asLong(0);
        long completion = usage.path("completion_tokens").asLong(0);
        tokens(request.model(), "prompt", prompt);
        tokens(request.model(), "completion", completion);
        if (usage.has("prompt_tokens") && estimatedPrompt > 32 && prompt < estimatedPrompt * TRUNCATION_RATIO) {
            log.warn("Request {}: the server counted {} prompt tokens, we estimated {}; the prompt may have been truncated",
                    request.id(), prompt, estimatedPrompt);
            Counter.builder(MetricNames.PROMPT_TRUNCATION_SUSPECTED)
                    .description("Answers whose prompt token count is far below the estimate")
                    .tag("model", request.model()).register(registry).increment();
        }
    }

    private void tokens(String model, String kind, long count) {
        Counter.builder(MetricNames.TOKENS).description("Tokens processed, from the backend's usage")
                .tags("model", model, "kind", kind).register(registry).increment(count);
    }
}
