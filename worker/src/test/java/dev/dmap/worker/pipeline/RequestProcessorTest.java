package dev.dmap.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.Decoded;
import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.RequestDecoder;
import dev.dmap.schemas.Source;
import dev.dmap.schemas.testing.MutableClock;
import dev.dmap.worker.backend.HealthProbe;
import dev.dmap.worker.backend.ModelCatalogue;
import dev.dmap.worker.backend.ModelResidency;
import dev.dmap.worker.backend.PermanentFailure;
import dev.dmap.worker.backend.ResidencyListener;
import dev.dmap.worker.backend.RetryableFailure;
import dev.dmap.worker.config.BackendSettings;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each way serving one request can end, against a scripted backend: no Kafka, no HTTP, no sleeping. */
class RequestProcessorTest {
    private final MutableClock clock = new MutableClock();
    private final ScriptedBackend backend = new ScriptedBackend(clock);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private BatchGate batches = new BatchGate() { };

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private RequestProcessor processor() {
        BackendSettings settings = BackendSettings.defaults(URI.create("http://backend")).withUnloadCooldown(Duration.ZERO);
        ModelCatalogue catalogue = new ModelCatalogue(backend, clock, Duration.ofSeconds(30));
        ModelResidency residency = new ModelResidency(backend, catalogue, settings, clock, duration -> { },
                new ResidencyListener() { });
        Retry retry = Retry.of("test", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(1))
                .retryOnException(RetryableFailure.class::isInstance).failAfterMaxAttempts(false).build());
        return new RequestProcessor(backend, catalogue, residency, new HealthProbe(catalogue, settings, scheduler),
                new TokenEstimator(), new ContextBudget(0), retry, "w1", new PipelineListener() { }, batches, clock);
    }

    private Work work(String body) {
        String line = "{\"custom_id\":\"r1\",\"batch_id\":\"b1\",\"url\":\"/v1/chat/completions\",\"body\":" + body + "}";
        Decoded.Valid valid = (Decoded.Valid) new RequestDecoder().decode(line);
        return new Work(valid.request(), valid.tree(), new Source("dmap.requests.m", 0, 7), clock.instant(), Map.of());
    }

    private Work chat(int maxTokens) {
        return work("{\"model\":\"m\",\"max_tokens\":" + maxTokens + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    private ErrorCode failedWith(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Failed.class);
        return ((Outcome.Failed) outcome).deadLetter().errorCode();
    }

    @Test
    void shouldSucceedAndCountTheCallsItTook() {
        backend.fails(new RetryableFailure(RetryableFailure.Reason.SERVER_ERROR, "500", null, null)).succeeds();

        Outcome outcome = processor().process(chat(8));

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Succeeded.class,
                succeeded -> assertThat(succeeded.result().attempts()).isEqualTo(2));
    }

    @Test
    void shouldEndAsRetriesExhaustedWhenEveryCallFailsAndTheBackendStillAnswers() {
        for (int i = 0; i < 3; i++) {
            backend.fails(new RetryableFailure(RetryableFailure.Reason.SERVER_ERROR, "500", null, null));
        }

        assertThat(failedWith(processor().process(chat(8)))).isEqualTo(ErrorCode.RETRIES_EXHAUSTED);
        assertThat(backend.calls).isEqualTo(3);
    }

    @Test
    void shouldDeferWhenTheBackendStoppedAnsweringInsteadOfDeadLettering() {
        RequestProcessor processor = processor();
        for (int i = 0; i < 3; i++) {
            backend.fails(new RetryableFailure(RetryableFailure.Reason.CONNECTION_DROPPED, "reset", null, null));
        }
        processor.process(chat(8)); // the listing is read once while the backend answers
        backend.down = true;
        for (int i = 0; i < 3; i++) {
            backend.fails(new RetryableFailure(RetryableFailure.Reason.CONNECTION_DROPPED, "reset", null, null));
        }

        assertThat(processor.process(chat(8))).isInstanceOf(Outcome.Deferred.class);
    }

    @Test
    void shouldReadWhatTheBackendHoldsAgainAfterADroppedConnectionAndLoadBeforeCallingAgain() {
        RequestProcessor processor = processor();
        backend.succeeds();
        processor.process(chat(8)); // the model is known to be loaded
        backend.restartsMidCall().succeedsIfLoaded();

        assertThat(processor.process(chat(8))).isInstanceOf(Outcome.Succeeded.class);
        // one call broken by the restart, one after an explicit load: no call sent to an unloaded model
        assertThat(backend.calls).isEqualTo(3);
        assertThat(backend.loads).isEqualTo(1);
    }

    @Test
    void shouldEndAPermanentRefusalAtOnceWithTheBackendsCode() {
        backend.fails(new PermanentFailure(ErrorCode.UPSTREAM_REJECTED, "400", null));

        assertThat(failedWith(processor().process(chat(8)))).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
        assertThat(backend.calls).isEqualTo(1);
    }

    @Test
    void shouldRefuseAnOverflowBeforeCallingWithTheEstimateOrTheServersExactCount() {
        backend.contextLength = 100;

        assertThat(failedWith(processor().process(chat(200)))).isEqualTo(ErrorCode.CONTEXT_LENGTH_EXCEEDED);
        // the estimate (8 tokens + 90) would fit; near the limit the server is asked, and counts 95
        backend.exactPromptTokens = OptionalInt.of(95);
        assertThat(failedWith(processor().process(chat(90)))).isEqualTo(ErrorCode.CONTEXT_LENGTH_EXCEEDED);
        assertThat(backend.calls).isZero();
        backend.succeeds(); // far below the limit the estimate is proof enough: no count, one call
        backend.contextLength = 4096;
        assertThat(processor().process(chat(80))).isInstanceOf(Outcome.Succeeded.class);
    }

    @Test
    void shouldEndAnUnknownModelAPassedDeadlineAndACancelledBatchWithoutACall() {
        assertThat(failedWith(processor().process(work("{\"model\":\"other\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))))
                .isEqualTo(ErrorCode.MODEL_NOT_FOUND);
        String late = "{\"custom_id\":\"r2\",\"deadline\":\"" + Instant.parse("2020-01-01T00:00:00Z")
                + "\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";
        Decoded.Valid valid = (Decoded.Valid) new RequestDecoder().decode(late);
        Work lateWork = new Work(valid.request(), valid.tree(), new Source("t", 0, 1), clock.instant(), Map.of());
        assertThat(failedWith(processor().process(lateWork))).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        batches = new BatchGate() {
            @Override
            public boolean cancelled(String batchId) {
                return true;
            }
        };
        assertThat(failedWith(processor().process(chat(8)))).isEqualTo(ErrorCode.BATCH_CANCELLED);
        assertThat(backend.calls).isZero();
    }
}
