package dev.dmap.worker.pipeline;

import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.Response;
import dev.dmap.schemas.Result;
import dev.dmap.schemas.Timing;
import dev.dmap.worker.backend.Backend;
import dev.dmap.worker.backend.BackendUnavailable;
import dev.dmap.worker.backend.CallCancelled;
import dev.dmap.worker.backend.EventSink;
import dev.dmap.worker.backend.StreamedReply;
import dev.dmap.worker.backend.HealthProbe;
import dev.dmap.worker.backend.HttpReply;
import dev.dmap.worker.backend.Lease;
import dev.dmap.worker.backend.ModelCatalogue;
import dev.dmap.worker.backend.ModelResidency;
import dev.dmap.worker.backend.PermanentFailure;
import dev.dmap.worker.backend.RetryableFailure;
import io.github.resilience4j.retry.Retry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Serves one request end to end, blocking: deadline, model exists, ensure-loaded, context budget,
 * the backend call with retries, and the outcome. Runs on a worker thread, never on the poll
 * thread. Thread-safe and stateless per request.
 */
public final class RequestProcessor {
    private static final Logger log = LoggerFactory.getLogger(RequestProcessor.class);

    private final Backend backend;
    private final ModelCatalogue catalogue;
    private final ModelResidency residency;
    private final HealthProbe probe;
    private final TokenEstimator tokens;
    private final ContextBudget budget;
    private final Retry retry;
    private final DeadLetters deadLetters;
    private final PipelineListener listener;
    private final String workerId;
    private final BatchGate batches;
    private final Clock clock;
    private final CallerReplies callers;
    private final AtomicLong attemptsStarted = new AtomicLong();
    /** Tells this process's attempts from those of an earlier run under the same worker id (a restart after a crash). */
    private final String run = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());

    public RequestProcessor(Backend backend, ModelCatalogue catalogue, ModelResidency residency, HealthProbe probe,
            TokenEstimator tokens, ContextBudget budget, Retry retry, String workerId, PipelineListener listener,
            BatchGate batches, Clock clock) {
        this(backend, catalogue, residency, probe, tokens, budget, retry, workerId, listener, batches, clock, CallerReplies.NONE);
    }

    /** @param callers where a streamed online call's events go while it is served */
    public RequestProcessor(Backend backend, ModelCatalogue catalogue, ModelResidency residency, HealthProbe probe,
            TokenEstimator tokens, ContextBudget budget, Retry retry, String workerId, PipelineListener listener,
            BatchGate batches, Clock clock, CallerReplies callers) {
        this.callers = callers;
        this.batches = batches;
        this.backend = backend;
        this.catalogue = catalogue;
        this.residency = residency;
        this.probe = probe;
        this.tokens = tokens;
        this.budget = budget;
        this.retry = retry;
        this.workerId = workerId;
        this.deadLetters = new DeadLetters(workerId);
        this.listener = listener;
        this.clock = clock;
    }

    /** The dead letters this processor writes, for the other parts of the worker that write them too. */
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    public Outcome process(Work work) {
        Instant started = clock.instant();
        try {
            Outcome refused = refusal(work, started);
            return refused != null ? refused : call(work, started);
        } catch (BackendUnavailable e) {
            return new Outcome.Deferred(e.getMessage());
        }
    }

    /**
     * Why the request is not served at {@code now} (a duplicate of an ended batch, a cancel, a passed
     * deadline, a model the backend does not have) as its outcome, or null when it may be: asked
     * before a request is computed or answered from the response cache.
     */
    public Outcome refusal(Work work, Instant now) {
        Request request = work.request();
        if (request.attempt() == 1 && batches.ended(request.batchId())) {
            return new Outcome.Skipped("batch " + request.batchId() + " has ended; this is a duplicate");
        }
        if (batches.cancelled(request.batchId())) {
            return failed(work, ErrorCode.BATCH_CANCELLED, "batch " + request.batchId()
                    + " was cancelled before a worker served this request", null, 0);
        }
        if (batches.requestCancelled(request.id())) {
            return failed(work, ErrorCode.REQUEST_CANCELLED, "the caller went away before a worker served it", null, 0);
        }
        if (request.deadline() != null && now.isAfter(request.deadline())) {
            return failed(work, ErrorCode.DEADLINE_EXCEEDED, "the deadline " + request.deadline()
                    + " passed before a worker could serve it", null, 0);
        }
        if (!catalogue.isAvailable(request.model())) {
            return failed(work, ErrorCode.MODEL_NOT_FOUND, "model \"" + request.model()
                    + "\" is not available on the backend; it lists " + catalogue.lastKnown().available(), null, 0);
        }
        return null;
    }

    private Outcome call(Work work, Instant started) {
        Request request = work.request();
        int estimate = tokens.estimate(request);
        AtomicInteger attempts = new AtomicInteger();
        AtomicLong loadMillis = new AtomicLong();
        try {
            HttpReply reply = retry.executeSupplier(() -> attempt(work, estimate, attempts, loadMillis));
            return succeeded(work, reply, estimate, attempts.get(), started, loadMillis.get());
        } catch (PermanentFailure e) {
            return failed(work, e.code(), e.getMessage(), e.reply().orElse(null), attempts.get());
        } catch (CallCancelled e) {
            return failed(work, ErrorCode.REQUEST_CANCELLED, e.getMessage() + "; the backend call was stopped", null,
                    attempts.get());
        } catch (RetryableFailure e) {
            if (!probe.answers()) {
                return new Outcome.Deferred("backend stopped answering: " + e.getMessage());
            }
            ErrorCode code = e.reason() == RetryableFailure.Reason.LOAD_FAILED
                    ? ErrorCode.MODEL_LOAD_FAILED : ErrorCode.RETRIES_EXHAUSTED;
            if (code == ErrorCode.MODEL_LOAD_FAILED) {
                residency.loadFailed(request.model(), e.getMessage());
            }
            return failed(work, code, e.getMessage() + " (after " + attempts.get() + " calls)", e.reply().orElse(null),
                    attempts.get());
        }
    }

    /** One try: lease the model (loading it if needed), check the budget, call. */
    private HttpReply attempt(Work work, int estimate, AtomicInteger attempts, AtomicLong loadMillis) {
        Request request = work.request();
        try (Lease lease = residency.acquire(request.model())) {
            loadMillis.addAndGet(lease.waited().toMillis());
            // near the limit, exact where the server can count (llama-server), once its model is loaded
            OptionalInt exact = budget.mayOverflow(request, estimate, lease.model())
                    ? backend.promptTokens(request) : OptionalInt.empty();
            if (exact.isPresent()) {
                budget.checkExact(request, exact.getAsInt(), lease.model());
            } else {
                budget.check(request, estimate, lease.model());
            }
            attempts.incrementAndGet();
            if (work.streamed()) {
                return streamed(work);
            }
            return backend.infer(request.url(), MessageCodec.encode(StreamedCall.whole(request.body())), work.headers());
        } catch (RetryableFailure e) {
            // a dropped connection is how a backend restart looks from here: read what it holds again
            if (e.reason() == RetryableFailure.Reason.MODEL_NOT_READY
                    || e.reason() == RetryableFailure.Reason.CONNECTION_DROPPED) {
                residency.invalidate();
            }
            listener.retried(request.model(), e);
            throw e;
        } catch (BackendUnavailable e) {
            residency.invalidate();
            throw e;
        }
    }

    /**
     * A streamed online call: the events go to the caller as they arrive (through Kafka, in small
     * batches), and the whole answer is made of them for the result. Usage is always asked for, so
     * the result counts tokens; the caller sees the usage event only if it asked.
     */
    private HttpReply streamed(Work work) {
        Request request = work.request();
        String attempt = workerId + "/" + run + "#" + attemptsStarted.incrementAndGet();
        boolean usageAsked = request.body().path("stream_options").path("include_usage").asBoolean(false);
        try (CallerReplies.Stream stream = callers.open(work.replyTo(), request.id(), attempt)) {
            EventSink sink = new EventSink() {
                @Override
                public void event(String type, String data) {
                    if (usageAsked || !StreamAssembly.usageOnly(data)) {
                        stream.event(type, data);
                    }
                }

                @Override
                public boolean cancelled() {
                    return batches.requestCancelled(request.id());
                }
            };
            StreamedReply reply = backend.inferStreaming(request.url(), MessageCodec.encode(StreamedCall.withUsage(request)),
                    work.headers(), sink);
            if (reply.whole() != null) {
                return reply.whole();
            }
            return new HttpReply(200, MessageCodec.encode(StreamAssembly.assemble(request.endpoint(), reply.events())),
                    java.util.Optional.empty());
        }
    }

    private Outcome succeeded(Work work, HttpReply reply, int estimate, int attempts, Instant started, long loadMillis) {
        Request request = work.request();
        JsonNode body = reply.json();
        Instant completed = clock.instant();
        long totalMillis = Duration.between(started, completed).toMillis();
        Timing timing = new Timing(queuedMillis(work, started), loadMillis, Math.max(0, totalMillis - loadMillis));
        Response response = new Response(reply.statusCode(), body.path("id").asString(request.id()), body);
        listener.served(request, body, estimate);
        return new Outcome.Succeeded(Result.of(request, response, workerId, attempts, timing, completed));
    }

    private Outcome failed(Work work, ErrorCode code, String message, HttpReply reply, int attempts) {
        log.debug("Request {} from {} failed: {}", work.request().id(), work.source(), code);
        return new Outcome.Failed(deadLetters.forRequest(work, code, message, reply, attempts, clock.instant()));
    }

    private long queuedMillis(Work work, Instant started) {
        return Math.max(0, Duration.between(work.waitingSince(), started).toMillis());
    }
}
