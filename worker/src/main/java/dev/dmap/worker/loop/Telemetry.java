package dev.dmap.worker.loop;

import dev.dmap.worker.metrics.WorkerMetrics;
import java.time.Clock;

/** How the worker observes itself: its metrics, the span per request, and the clock every time comes from. */
public record Telemetry(WorkerMetrics metrics, RequestTracing tracing, Clock clock) {
}
