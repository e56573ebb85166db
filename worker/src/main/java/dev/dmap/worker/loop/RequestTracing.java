package dev.dmap.worker.loop;

import dev.dmap.schemas.Traceparent;
import dev.dmap.worker.delivery.PendingRecord;
import dev.dmap.worker.pipeline.Outcome;
import io.micrometer.tracing.CurrentTraceContext;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A span per request (Micrometer Tracing), child of the W3C trace context its record carries
 * ({@code traceparent}, set by {@code dmap submit} or any producer). The span's context goes on
 * the HTTP call to the backend and on the request's result or dead letter, so one request can be
 * followed from the producer through the worker to the server and on to the consumers. Without a
 * tracer the record's own trace headers are passed along unchanged.
 */
public final class RequestTracing {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RequestTracing.class);
    /** No spans: the incoming trace headers travel on as they are. */
    public static final RequestTracing PASS_THROUGH = new RequestTracing(null, null);

    private final Tracer tracer;
    private final Propagator propagator;
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();

    private RequestTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    public static RequestTracing of(Tracer tracer, Propagator propagator) {
        return tracer == null || tracer == Tracer.NOOP ? PASS_THROUGH : new RequestTracing(tracer, propagator);
    }

    /** A request's span while it is served, and the trace headers to send on. */
    final class Traced implements AutoCloseable {
        private final Span span;
        private final Tracer.SpanInScope scope;
        private final Map<String, String> headers;

        private Traced(Span span, Tracer.SpanInScope scope, Map<String, String> headers) {
            this.span = span;
            this.scope = scope;
            this.headers = Map.copyOf(headers);
        }

        /** {@code traceparent} (and {@code tracestate}) for the backend call and the outcome record. */
        Map<String, String> headers() {
            return headers;
        }

        /** Tags the span with how the request ended. */
        void ended(Outcome outcome) {
            if (span == null) {
                return;
            }
            if (outcome instanceof Outcome.Succeeded) {
                span.tag("dmap.status", "success");
            } else if (outcome instanceof Outcome.Failed failed) {
                span.tag("dmap.status", failed.deadLetter().error().code());
                span.tag("error", failed.deadLetter().error().code());
            } else {
                span.tag("dmap.status", outcome.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
            }
        }

        @Override
        public void close() {
            if (span != null) {
                scope.close();
                span.end();
            }
        }
    }

    /** Starts the span of a decoded request on the thread that serves it; close it on the same thread. */
    Traced start(PendingRecord pending) {
        if (tracer == null) {
            return new Traced(null, null, pending.work().headers());
        }
        Span span = null;
        try {
            span = propagator.extract(pending.record().headers(), RequestTracing::header)
                    .name("dmap.request")
                    .kind(Span.Kind.CONSUMER)
                    .tag("dmap.model", pending.work().request().model())
                    .tag("dmap.request_id", pending.work().request().id())
                    .tag("messaging.kafka.source", pending.where())
                    .start();
            Map<String, String> headers = new HashMap<>();
            propagator.inject(span.context(), headers, Map::put);
            if (log.isDebugEnabled()) {
                log.debug("Span {} of {}: headers out {}", span.context(), pending.where(), headers);
            }
            return new Traced(span, tracer.withSpan(span), headers);
        } catch (RuntimeException e) {
            if (span != null) {
                span.end();
            }
            if (failures.getAndIncrement() == 0) {
                log.warn("Could not start the span of {}; trace headers pass through unchanged (logged once)",
                        pending.where(), e);
            } else {
                log.debug("Could not start the span of {}", pending.where(), e);
            }
            return new Traced(null, null, pending.work().headers());
        }
    }

    /**
     * Runs {@code action} in the context of the span whose headers are {@code trace}, on any thread
     * and after the span ended, so that metrics recorded there keep its trace as their exemplar.
     */
    void inContextOf(Map<String, String> trace, Runnable action) {
        Traceparent parent = tracer == null ? null : Traceparent.parse(trace.get(Traceparent.HEADER)).orElse(null);
        if (parent == null) {
            action.run();
            return;
        }
        TraceContext context = tracer.traceContextBuilder().traceId(parent.traceId()).spanId(parent.parentId())
                .sampled(parent.sampled()).build();
        try (CurrentTraceContext.Scope scope = tracer.currentTraceContext().newScope(context)) {
            action.run();
        }
    }

    @Override
    public String toString() {
        return tracer == null ? "pass-through (no tracer)"
                : "spans by " + tracer.getClass().getSimpleName() + ", propagated by " + propagator.getClass().getSimpleName();
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
