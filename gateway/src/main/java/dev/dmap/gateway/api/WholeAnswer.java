package dev.dmap.gateway.api;

import dev.dmap.client.OnlineCalls;
import dev.dmap.gateway.online.Calls;
import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.OnlineReplies;
import dev.dmap.schemas.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * The answer to a call without streaming: the backend's body as the worker got it, or the failure
 * in OpenAI's shape; a 504 once the call's deadline has passed (and the workers are told to drop
 * it); nothing but a cancel when the caller went away first. Answered once, whatever comes later.
 */
final class WholeAnswer implements OnlineCalls.Listener {
    /** Past the deadline, how long the worker's own deadline_exceeded may take to arrive before the gateway answers itself. */
    static final Duration GRACE = Duration.ofSeconds(1);

    private final Calls calls;
    private final Calls.Call call;
    private final DeferredResult<ResponseEntity<Object>> deferred;
    private final AtomicBoolean done = new AtomicBoolean();

    WholeAnswer(Calls calls, Calls.Call call, Instant now) {
        this.calls = calls;
        this.call = call;
        this.deferred = new DeferredResult<>(Math.max(1, Duration.between(now, call.deadline()).plus(GRACE).toMillis()));
        deferred.onTimeout(() -> {
            if (done.compareAndSet(false, true)) {
                calls.abandoned(call, "deadline_exceeded");
                deferred.setResult(CallErrors.deadlinePassed(call.model()).entity(0));
            }
        });
        deferred.onError(error -> {
            if (done.compareAndSet(false, true)) {
                calls.abandoned(call, "request_cancelled");
            }
        });
    }

    DeferredResult<ResponseEntity<Object>> deferred() {
        return deferred;
    }

    @Override
    public void chunks(OnlineReplies.Chunks chunks) {
        // a call without streaming gets none
    }

    @Override
    public void result(Result result) {
        if (done.compareAndSet(false, true)) {
            calls.answered(call, "success");
            deferred.setResult(ResponseEntity.status(result.response().statusCode()).contentType(MediaType.APPLICATION_JSON)
                    .header(OnlineController.CACHE, result.cacheHit() ? "hit" : "miss")
                    .body(MessageCodec.encode(result.response().body())));
        }
    }

    @Override
    public void deadLetter(DeadLetter deadLetter) {
        if (done.compareAndSet(false, true)) {
            calls.answered(call, deadLetter.error().code());
            deferred.setResult(CallErrors.of(deadLetter).entity(0));
        }
    }
}
