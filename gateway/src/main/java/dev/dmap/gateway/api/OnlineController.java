package dev.dmap.gateway.api;

import dev.dmap.gateway.online.CallRefused;
import dev.dmap.gateway.online.Calls;
import dev.dmap.gateway.online.InOrder;
import dev.dmap.schemas.Endpoint;
import dev.dmap.schemas.MessageCodec;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * OpenAI's synchronous endpoints, served through Kafka by the same workers as the batches: each
 * call is a request record, answered when its outcome comes back ({@link WholeAnswer}) or streamed
 * as it is made ({@link StreamAnswer}). The request thread is free while the call waits, so one
 * gateway holds many calls with a few threads. {@code GET /v1/models} lists what the fleet serves.
 */
@RestController
class OnlineController {
    /** The timeout the OpenAI SDKs send with each call, in seconds. */
    static final String SDK_TIMEOUT = "X-Stainless-Timeout";
    /** The response cache's use for this call: on, write-only, read-only or off (docs/cache.md). */
    static final String CACHE = "X-Dmap-Cache";
    /** The oldest stored answer this call accepts, in seconds. */
    static final String CACHE_MAX_AGE = "X-Dmap-Cache-Max-Age";
    /** The call's request id, as on its result or dead letter: what to look for in Kafka and in the logs. */
    static final String REQUEST_ID = "X-Dmap-Request-Id";

    private final Calls calls;
    private final ExecutorService streams;
    private final Clock clock;

    OnlineController(Calls calls, @Qualifier("onlineStreams") ExecutorService streams, Clock clock) {
        this.calls = calls;
        this.streams = streams;
        this.clock = clock;
    }

    @PostMapping({"/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses"})
    DeferredResult<?> call(HttpServletRequest request, HttpServletResponse response, @RequestBody(required = false) byte[] raw) {
        Endpoint endpoint = Endpoint.fromPath(request.getRequestURI()).orElseThrow();
        JsonNode body = parse(raw);
        if (endpoint == Endpoint.RESPONSES && body.path("background").asBoolean(false)) {
            throw ApiError.invalid("background", "Background responses are not served here; submit the call as a batch "
                    + "(/v1/batches), which dmap serves by its deadline.");
        }
        Instant now = clock.instant();
        Calls.Call call;
        try {
            call = calls.admit(endpoint, body, askedTimeout(request), askedCache(request));
        } catch (CallRefused refused) {
            DeferredResult<Object> refusal = new DeferredResult<>();
            refusal.setResult(CallErrors.of(refused).entity(refused.retryAfterSeconds()));
            return refusal;
        }
        response.setHeader(REQUEST_ID, call.request().id());
        try {
            if (call.streamed()) {
                StreamAnswer answer = new StreamAnswer(calls, call, new InOrder(streams), now);
                calls.publish(call, answer);
                return answer.deferred();
            }
            WholeAnswer answer = new WholeAnswer(calls, call, now);
            calls.publish(call, answer);
            return answer.deferred();
        } catch (CallRefused refused) {
            DeferredResult<Object> refusal = new DeferredResult<>();
            refusal.setResult(CallErrors.of(refused).entity(refused.retryAfterSeconds()));
            return refusal;
        }
    }

    /** The models live workers serve, in OpenAI's list shape; empty while no worker has said. */
    @GetMapping("/v1/models")
    Map<String, Object> models() {
        Set<String> served = calls.fleet().served().orElse(Set.of());
        List<Map<String, Object>> data = served.stream().sorted().map(model -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", model);
            entry.put("object", "model");
            entry.put("created", 0);
            entry.put("owned_by", "dmap");
            return entry;
        }).toList();
        return Map.of("object", "list", "data", data);
    }

    private static JsonNode parse(byte[] raw) {
        if (raw == null || raw.length == 0) {
            throw ApiError.invalid(null, "The request has no body; send a JSON object.");
        }
        try {
            return MessageCodec.mapper().readTree(raw);
        } catch (JacksonException e) {
            throw ApiError.invalid(null, "We could not parse the JSON body of your request. (HINT: This likely means you "
                    + "aren't using your HTTP library correctly.)");
        }
    }

    /** The cache use the headers ask for, as request-v1's {@code cache} object (checked with the rest), or null. */
    private static JsonNode askedCache(HttpServletRequest request) {
        String mode = request.getHeader(CACHE);
        String maxAge = request.getHeader(CACHE_MAX_AGE);
        if (mode == null && maxAge == null) {
            return null;
        }
        var cache = MessageCodec.mapper().createObjectNode();
        if (mode != null) {
            cache.put("mode", mode.strip().toLowerCase(java.util.Locale.ROOT));
        }
        if (maxAge != null) {
            try {
                cache.put("max_age_seconds", Long.parseLong(maxAge.strip()));
            } catch (NumberFormatException e) {
                throw ApiError.invalid(null, CACHE_MAX_AGE + " must be a whole number of seconds.");
            }
        }
        return cache;
    }

    private static Duration askedTimeout(HttpServletRequest request) {
        String header = request.getHeader(SDK_TIMEOUT);
        if (header == null) {
            return null;
        }
        try {
            return Duration.ofMillis((long) (Double.parseDouble(header.strip()) * 1000));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
