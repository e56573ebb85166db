package dev.dmap.gateway.online;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The article's metrics of the online lane, as the gateway sees its calls: {@code dmap_queue_depth}
 * (calls of a model waiting for their answer), {@code dmap_request_duration_seconds} by model and
 * status ({@code success} or the error code), and {@code dmap_time_to_first_token_seconds} of
 * streamed calls. Durations are histograms, so that a p95 can be computed across gateways.
 */
public final class OnlineMetrics {
    private final MeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;

    /** Its own Prometheus registry, not a Spring bean: nothing else (JVM, Tomcat meters) joins the gateway's /metrics. */
    public OnlineMetrics() {
        this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.registry = prometheus;
    }

    /** For tests: another registry; {@link #scrape()} is then empty. */
    public OnlineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.prometheus = null;
    }

    /** The metrics in Prometheus' text format. */
    public String scrape() {
        return prometheus == null ? "" : prometheus.scrape();
    }

    /** The gauge of a model's waiting calls, made on its first call. */
    AtomicInteger queueDepth(String model) {
        AtomicInteger depth = new AtomicInteger();
        Gauge.builder("dmap.queue.depth", depth, AtomicInteger::get)
                .description("Online calls of the model waiting for their answer at this gateway")
                .tag("model", model).register(registry);
        return depth;
    }

    void finished(String model, String status, Duration took) {
        Timer.builder("dmap.request.duration").description("Online calls from arrival to their answer")
                .tags("model", model, "status", status).publishPercentileHistogram()
                .register(registry).record(took);
    }

    void firstToken(String model, Duration took) {
        Timer.builder("dmap.time.to.first.token").description("Streamed online calls from arrival to their first event")
                .tags("model", model).publishPercentileHistogram()
                .register(registry).record(took);
    }
}
