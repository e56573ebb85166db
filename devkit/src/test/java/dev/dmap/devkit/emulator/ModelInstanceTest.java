package dev.dmap.devkit.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ModelInstanceTest {
    private final ModelInstance instance =
            new ModelInstance("m", EmulatedModel.llm("m", 1_000, 4096), InstanceConfig.of(4096, 1), true);

    @Test
    void shouldQueueCallsBeyondTheSlotsAndReleaseThemOnUnload() {
        Cancellation holder = new Cancellation();
        Cancellation waiter = new Cancellation();
        instance.markReady();
        instance.admit(holder);
        instance.admit(waiter);
        instance.acquireSlot(holder);
        CompletableFuture<Void> queued = CompletableFuture.runAsync(() -> instance.acquireSlot(waiter));
        await().atMost(Duration.ofSeconds(5)).until(() -> instance.queuedCalls() == 1);

        instance.shutDown(Cancellation.Reason.MODEL_UNLOADED);

        assertThatThrownBy(queued::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(Cancellation.CancelledException.class);
        assertThatThrownBy(holder::check).isInstanceOfSatisfying(Cancellation.CancelledException.class,
                e -> assertThat(e.reason()).isEqualTo(Cancellation.Reason.MODEL_UNLOADED));
    }

    @Test
    void shouldEndASimulatedWaitAsSoonAsTheInstanceIsUnloaded() {
        Cancellation call = new Cancellation();
        instance.admit(call);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(
                () -> new SimulatedTime(1.0).await(Duration.ofHours(1), call));

        instance.shutDown(Cancellation.Reason.MODEL_UNLOADED);

        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(Cancellation.CancelledException.class);
    }

    @Test
    void shouldRefuseNewCallsAfterUnload() {
        instance.shutDown(Cancellation.Reason.MODEL_UNLOADED);

        assertThat(instance.admit(new Cancellation())).isFalse();
        assertThat(instance.state()).isEqualTo(ModelInstance.State.UNLOADED);
    }

    @Test
    void shouldSlowEachStreamGentlyWithConcurrency() {
        assertThat(InferenceEngine.decodeFactor(1)).isEqualTo(1.0);
        assertThat(InferenceEngine.decodeFactor(2)).isEqualTo(0.92);
        assertThat(InferenceEngine.decodeFactor(20)).isEqualTo(InferenceEngine.MIN_DECODE_FACTOR);
    }

    @Test
    void shouldScaleSimulatedTime() {
        assertThat(new SimulatedTime(0.5).scaled(Duration.ofSeconds(4))).isEqualTo(Duration.ofSeconds(2));
        assertThat(new SimulatedTime(0).scaled(Duration.ofHours(1))).isZero();
        assertThat(SimulatedTime.forWork(3_000_000_000L, 1.5e9)).isEqualTo(Duration.ofSeconds(2));
    }
}
