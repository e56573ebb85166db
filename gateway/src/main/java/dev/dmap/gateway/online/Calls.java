package dev.dmap.gateway.online;

import dev.dmap.client.ClientException;
import dev.dmap.client.OnlineCalls;
import dev.dmap.schemas.Decoded;
import dev.dmap.schemas.Endpoint;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.RequestDecoder;
import dev.dmap.schemas.Violation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The online lane of the gateway: a synchronous OpenAI call becomes a request record (the same
 * schema as a batch line, checked by the same decoder as the workers use, with the call's deadline
 * and the interactive priority), is published through {@link OnlineCalls}, and its replies go to
 * the caller's {@link OnlineCalls.Listener}. Admission happens before anything is published: a
 * model no worker serves is refused, and so is a call the model's queue cannot serve before its
 * deadline, by the service time this gateway measured (429 with a wait, as OpenAI's flex tier
 * answers), or one beyond this gateway's open calls. Thread-safe.
 */
public final class Calls {
    /** {@code service_tier} for a call that may wait behind bulk work until its deadline. */
    public static final String FLEX = "flex";
    /** The priority of an interactive call: above any bulk priority an operator grants (keys' max-priority). */
    public static final int INTERACTIVE_PRIORITY = 1_000;

    /**
     * @param timeout             the longest a call waits (its deadline), unless it asks for less
     * @param maxOpen             calls this gateway holds at once
     * @param interactivePriority the priority of an interactive call, above every bulk priority
     */
    public record Settings(Duration timeout, int maxOpen, int interactivePriority) {
    }

    /** One admitted call. */
    public record Call(Request request, boolean streamed, boolean interactive, Instant deadline, long startedNanos) {
        public String model() {
            return request.model();
        }
    }

    private final OnlineCalls kafka;
    private final FleetView fleet;
    private final OnlineMetrics metrics;
    private final Settings settings;
    private final Clock clock;
    private final RequestDecoder decoder = new RequestDecoder();
    private final LongSupplier ticker;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, AtomicInteger> openByModel = new ConcurrentHashMap<>();
    /** Per model, the time between two answers while calls were queued: how fast its queue drains. */
    private final Map<String, Long> drainNanos = new ConcurrentHashMap<>();
    private final Map<String, Long> lastAnswer = new ConcurrentHashMap<>();

    public Calls(OnlineCalls kafka, FleetView fleet, OnlineMetrics metrics, Settings settings, Clock clock) {
        this(kafka, fleet, metrics, settings, clock, System::nanoTime);
    }

    /** @param ticker the monotonic nanoseconds that durations are measured with (a test's own) */
    Calls(OnlineCalls kafka, FleetView fleet, OnlineMetrics metrics, Settings settings, Clock clock, LongSupplier ticker) {
        this.ticker = ticker;
        this.kafka = kafka;
        this.fleet = fleet;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Checks a call and, when it may go, counts it as open.
     *
     * @param asked the timeout the caller asked for (its SDK's), or null
     * @throws CallRefused with why
     */
    public Call admit(Endpoint endpoint, JsonNode body, Duration asked) {
        return admit(endpoint, body, asked, null);
    }

    /**
     * As {@link #admit(Endpoint, JsonNode, Duration)}, with the response cache's use the caller asked
     * for ({@code X-Dmap-Cache}), or null for the default.
     */
    public Call admit(Endpoint endpoint, JsonNode body, Duration asked, JsonNode cache) {
        if (body == null || !body.isObject()) {
            throw new CallRefused(CallRefused.Reason.INVALID, "The body must be a JSON object.", null, 0);
        }
        Instant now = clock.instant();
        Duration timeout = asked != null && asked.compareTo(settings.timeout()) < 0 && !asked.isNegative() ? asked : settings.timeout();
        boolean interactive = !FLEX.equals(body.path("service_tier").asString(""));
        String id = "call-" + UUID.randomUUID();
        ObjectNode line = MessageCodec.mapper().createObjectNode();
        line.put("custom_id", id);
        line.put("method", "POST");
        line.put("url", endpoint.path());
        line.set("body", body);
        line.put("submitted_at", now.toString());
        line.put("deadline", now.plus(timeout).toString());
        line.put("priority", interactive ? settings.interactivePriority() : 0);
        if (cache != null) {
            line.set("cache", cache);
        }
        Decoded decoded = decoder.decode(line);
        if (decoded instanceof Decoded.Invalid invalid) {
            Violation first = invalid.violations().get(0);
            String param = first.path().startsWith("/body/") ? first.path().substring("/body/".length()).replace('/', '.') : null;
            throw new CallRefused(CallRefused.Reason.INVALID, invalid.message().replace("/body/", ""), param, 0);
        }
        Request request = ((Decoded.Valid) decoded).request();
        if (!fleet.mayServe(request.model())) {
            throw new CallRefused(CallRefused.Reason.MODEL_NOT_FOUND, "The model `" + request.model()
                    + "` does not exist or no worker serves it. The fleet serves: "
                    + String.join(", ", fleet.served().orElseThrow()), "model", 0);
        }
        AtomicInteger queued = openByModel.computeIfAbsent(request.model(), metrics::queueDepth);
        if (open.incrementAndGet() > settings.maxOpen()) {
            open.decrementAndGet();
            throw new CallRefused(CallRefused.Reason.BUSY, "This gateway holds " + settings.maxOpen()
                    + " calls already; try again shortly.", null, 1);
        }
        int ahead = queued.incrementAndGet() - 1;
        Duration wait = Duration.ofNanos(drainNanos.getOrDefault(request.model(), 0L) * ahead);
        if (interactive && wait.compareTo(timeout) > 0) {
            ended(request.model());
            throw new CallRefused(CallRefused.Reason.BUSY, "The queue of model `" + request.model() + "` cannot serve "
                    + "this call within its timeout (" + ahead + " calls ahead); try again later.", null,
                    Math.max(1, wait.minus(timeout).toSeconds()));
        }
        return new Call(request, body.path("stream").asBoolean(false), interactive, now.plus(timeout), ticker.getAsLong());
    }

    /** Publishes an admitted call; its replies go to {@code listener}. */
    public void publish(Call call, OnlineCalls.Listener listener) {
        try {
            kafka.call(call.request(), call.interactive(), listener);
        } catch (ClientException e) {
            ended(call.model());
            throw new CallRefused(CallRefused.Reason.UNAVAILABLE, e.getMessage(), null, 1);
        }
    }

    /**
     * The call ended with an answer: {@code status} is {@code success} or the error code. While
     * other calls of its model wait, the time since the previous answer teaches admission how fast
     * the model's queue drains; an answer that leaves the queue empty ends the measurement, so that
     * a quiet spell never counts as a slow drain.
     */
    public void answered(Call call, String status) {
        ended(call.model());
        long now = ticker.getAsLong();
        metrics.finished(call.model(), status, Duration.ofNanos(now - call.startedNanos()));
        AtomicInteger queued = openByModel.get(call.model());
        if (queued == null || queued.get() == 0) {
            lastAnswer.remove(call.model()); // the queue ran dry: the next interval would measure idleness, not draining
            return;
        }
        Long previous = lastAnswer.put(call.model(), now);
        if (previous != null) {
            drainNanos.merge(call.model(), now - previous, (old, latest) -> (old * 7 + latest) / 8);
        }
    }

    /** The caller went away or its deadline passed: the workers are told, so that it costs no more GPU time. */
    public void abandoned(Call call, String status) {
        kafka.cancel(call.request().id());
        ended(call.model());
        metrics.finished(call.model(), status, Duration.ofNanos(ticker.getAsLong() - call.startedNanos()));
    }

    /** The first streamed event reached the caller. */
    public void firstToken(Call call) {
        metrics.firstToken(call.model(), Duration.ofNanos(ticker.getAsLong() - call.startedNanos()));
    }

    /** Calls this gateway holds now. */
    public int open() {
        return open.get();
    }

    public FleetView fleet() {
        return fleet;
    }

    private void ended(String model) {
        open.decrementAndGet();
        AtomicInteger queued = openByModel.get(model);
        if (queued != null) {
            queued.decrementAndGet();
        }
    }
}
