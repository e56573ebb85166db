package dev.dmap.gateway.api;

import dev.dmap.client.OnlineCalls;
import dev.dmap.gateway.online.Calls;
import dev.dmap.gateway.online.StreamEvents;
import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.OnlineReplies;
import dev.dmap.schemas.Result;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * The answer to a streaming call. Until the first event comes, nothing is sent, so a call that fails
 * before its answer starts (no such model, too long a prompt, its deadline passed while it waited)
 * gets the HTTP status OpenAI would answer. From the first event on it is {@code text/event-stream}:
 * each event as the worker forwarded it, then {@code data: [DONE]}. A second attempt's events after
 * text of the first were sent (the worker stopped and another took over) end the stream with an
 * error event, never with repeated text. Everything for one call runs in order on {@code out}, off
 * the thread that reads replies, so that a slow client holds up only itself.
 */
final class StreamAnswer implements OnlineCalls.Listener {
    private final Calls calls;
    private final Calls.Call call;
    private final Executor out;
    private final DeferredResult<ResponseEntity<?>> deferred;
    private final boolean includeUsage;
    private ResponseBodyEmitter emitter;
    private String attempt;
    private boolean sent;
    private boolean finished;

    StreamAnswer(Calls calls, Calls.Call call, Executor out, Instant now) {
        this.calls = calls;
        this.call = call;
        this.out = out;
        this.includeUsage = call.request().body().path("stream_options").path("include_usage").asBoolean(false);
        this.deferred = new DeferredResult<>(remainingMillis(now));
        deferred.onTimeout(() -> out.execute(() -> {
            if (!finished && emitter == null) {
                finish("deadline_exceeded", true);
                deferred.setResult(CallErrors.deadlinePassed(call.model()).entity(0));
            }
        }));
        deferred.onError(error -> out.execute(() -> finish("request_cancelled", true)));
    }

    DeferredResult<ResponseEntity<?>> deferred() {
        return deferred;
    }

    @Override
    public void chunks(OnlineReplies.Chunks chunks) {
        out.execute(() -> {
            if (finished) {
                return;
            }
            if (attempt != null && !attempt.equals(chunks.attempt()) && sent) {
                send(StreamEvents.error(CallErrors.streamInterrupted().body()));
                complete("stream_interrupted", true);
                return;
            }
            attempt = chunks.attempt();
            start();
            for (int i = 0; i < chunks.events().size() && !finished; i++) {
                send(StreamEvents.event(chunks.types().get(i), chunks.events().get(i)));
            }
            if (!sent && !finished) {
                sent = true;
                calls.firstToken(call);
            }
        });
    }

    @Override
    public void result(Result result) {
        out.execute(() -> {
            if (finished) {
                return;
            }
            if (!sent) {
                start(); // the answer came whole: the stream is made of it
                List<byte[]> events = StreamEvents.of(call.request().endpoint(), result.response().body(), includeUsage);
                events.forEach(this::send);
                calls.firstToken(call);
            }
            send(StreamEvents.done(call.request().endpoint()));
            complete("success", false);
        });
    }

    @Override
    public void deadLetter(DeadLetter deadLetter) {
        out.execute(() -> {
            if (finished) {
                return;
            }
            ApiError error = CallErrors.of(deadLetter);
            if (emitter == null) {
                finish(deadLetter.error().code(), false);
                deferred.setResult(error.entity(0));
                return;
            }
            send(StreamEvents.error(error.body()));
            complete(deadLetter.error().code(), false);
        });
    }

    /** The stream begins: 200 with {@code text/event-stream}, alive until the call's deadline. */
    private void start() {
        if (emitter != null) {
            return;
        }
        emitter = new ResponseBodyEmitter(remainingMillis(Instant.now()));
        emitter.onTimeout(() -> out.execute(() -> {
            if (!finished) {
                send(StreamEvents.error(CallErrors.deadlinePassed(call.model()).body()));
                complete("deadline_exceeded", true);
            }
        }));
        emitter.onError(error -> out.execute(() -> finish("request_cancelled", true)));
        deferred.setResult(ResponseEntity.ok()
                .contentType(new MediaType("text", "event-stream", java.nio.charset.StandardCharsets.UTF_8))
                .header("Cache-Control", "no-cache").header("X-Accel-Buffering", "no").body(emitter));
    }

    private void send(byte[] bytes) {
        if (finished || bytes.length == 0) {
            return;
        }
        try {
            emitter.send(bytes, MediaType.APPLICATION_OCTET_STREAM);
        } catch (IOException | IllegalStateException e) {
            finish("request_cancelled", true); // the caller went away
        }
    }

    private void complete(String status, boolean abandoned) {
        finish(status, abandoned);
        emitter.complete();
    }

    /** Counts the call's end once; an abandoned call is cancelled at the workers. */
    private void finish(String status, boolean abandoned) {
        if (finished) {
            return;
        }
        finished = true;
        if (abandoned) {
            calls.abandoned(call, status);
        } else {
            calls.answered(call, status);
        }
    }

    private long remainingMillis(Instant now) {
        return Math.max(1, Duration.between(now, call.deadline()).plus(WholeAnswer.GRACE).toMillis());
    }
}
