package dev.dmap.worker.backend;

import dev.dmap.schemas.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dmap.worker.config.BackendKind;
import dev.dmap.worker.config.BackendSettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelResidencyTest {
    private final MutableClock clock = new MutableClock();
    private final FakeBackend api = new FakeBackend(clock, "a", "b", "c");
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final List<String> cache = java.util.Collections.synchronizedList(new ArrayList<>());
    private final ResidencyListener listener = new ResidencyListener() {
        @Override
        public void loaded(String model, String replaced, Duration took) {
            events.add("loaded " + model + " replacing " + replaced);
        }

        @Override
        public void acquired(String model, boolean resident) {
            cache.add((resident ? "hit " : "miss ") + model);
        }
    };

    private ModelResidency residency(int maxLoaded) {
        BackendSettings settings = BackendSettings.defaults(URI.create("http://x")).withMaxLoadedModels(maxLoaded)
                .withUnloadCooldown(Duration.ofSeconds(3));
        Sleeper sleeper = duration -> {
            sleeps.add(duration);
            clock.advance(duration);
        };
        return new ModelResidency(api, new ModelCatalogue(api, clock, Duration.ofSeconds(30)), settings, clock, sleeper, listener);
    }

    @Test
    void shouldLoadAModelOnceAndThenServeItWithoutLoading() {
        ModelResidency residency = residency(1);
        residency.acquire("a").close();
        residency.acquire("a").close();
        assertThat(api.calls).containsExactly("load a");
        assertThat(events).containsExactly("loaded a replacing null");
    }

    @Test
    void shouldKeepBelowWhatTheServerHoldsAtMostSoItNeverEvictsByItself() {
        api.maxLoaded = 1; // llama-server's router with --models-max 1
        ModelResidency residency = residency(3);
        residency.acquire("a").close();
        residency.acquire("b").close();
        assertThat(api.calls).containsExactly("load a", "unload a", "load b");
    }

    @Test
    void shouldCountAMissForEveryRequestThatLoadsItsModelAndAHitForEveryOneThatFindsItLoaded() {
        ModelResidency residency = residency(1);
        residency.acquire("a").close();
        residency.acquire("a").close();
        residency.acquire("b").close();
        residency.acquire("a").close();
        residency.acquire("a").close();
        assertThat(cache).containsExactly("miss a", "hit a", "miss b", "miss a", "hit a");
    }

    @Test
    void shouldCountAMissForARequestThatWaitedForAnotherRequestsLoad() throws Exception {
        ModelResidency residency = residency(1);
        api.loadStarted = new java.util.concurrent.CountDownLatch(1);
        api.loadGate = new java.util.concurrent.CountDownLatch(1);
        Thread loader = new Thread(() -> residency.acquire("a").close());
        loader.start();
        assertThat(api.loadStarted.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread waiter = new Thread(() -> residency.acquire("a").close());
        waiter.start();
        // until the second request waits for the lock the load holds
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.BLOCKED);

        api.loadGate.countDown();
        loader.join(10_000);
        waiter.join(10_000);

        assertThat(cache).containsExactly("miss a", "miss a");
        assertThat(api.calls).containsExactly("load a");
    }

    @Test
    void shouldUnloadTheIdleModelAndWaitTheCooldownBeforeLoadingAnother() {
        ModelResidency residency = residency(1);
        residency.acquire("a").close();
        residency.acquire("b").close();
        assertThat(api.calls).containsExactly("load a", "unload a", "load b");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
        assertThat(events).last().isEqualTo("loaded b replacing a");
    }

    @Test
    void shouldNotWaitTheCooldownWhenTheLastUnloadIsLongPast() {
        ModelResidency residency = residency(2);
        residency.acquire("a").close();
        clock.advance(Duration.ofSeconds(1));
        residency.acquire("b").close();
        residency.acquire("c").close(); // unloads a, waits the cooldown
        api.loaded.remove("c"); // someone unloads c by hand: there is room again
        residency.invalidate();
        clock.advance(Duration.ofSeconds(10));
        residency.acquire("a").close();
        assertThat(api.calls).containsExactly("load a", "load b", "unload a", "load c", "load a");
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedIdleModel() {
        ModelResidency residency = residency(2);
        residency.acquire("a").close();
        clock.advance(Duration.ofSeconds(1));
        residency.acquire("b").close();
        clock.advance(Duration.ofSeconds(1));
        residency.acquire("a").close();
        residency.acquire("c").close();
        assertThat(api.calls).containsExactly("load a", "load b", "unload b", "load c");
    }

    @Test
    void shouldNeverUnloadAModelWithAnOpenLease() {
        ModelResidency residency = residency(2);
        Lease a = residency.acquire("a");
        clock.advance(Duration.ofSeconds(1));
        residency.acquire("b").close();
        residency.acquire("c").close();
        assertThat(api.calls).containsExactly("load a", "load b", "unload b", "load c");
        a.close();
    }

    @Test
    void shouldFailALoadWithNoRoomWhenEveryModelIsBusy() {
        // a real clock: waiting for room is bounded by the (here 1 ms) load timeout
        Clock real = Clock.systemUTC();
        ModelResidency residency = new ModelResidency(api, new ModelCatalogue(api, real, Duration.ZERO),
                new BackendSettings(URI.create("http://x"), null, Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofMillis(1), Duration.ZERO, 1, 0, 4, 0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ZERO, Duration.ZERO, BackendKind.LMSTUDIO), real, duration -> { }, listener);
        try (Lease a = residency.acquire("a")) {
            assertThatThrownBy(() -> residency.acquire("b")).isInstanceOfSatisfying(RetryableFailure.class,
                    failure -> assertThat(failure.reason()).isEqualTo(RetryableFailure.Reason.LOAD_FAILED));
        }
    }

    @Test
    void shouldEndAModelsRequestsAtOnceWhileAFailedLoadIsRememberedAndTryAgainAfter() {
        ModelResidency residency = residency(1); // remembers a failed load for the default 5 minutes
        residency.loadFailed("a", "loading a failed: exit code 134");
        assertThatThrownBy(() -> residency.acquire("a")).isInstanceOfSatisfying(PermanentFailure.class,
                failure -> assertThat(failure.code()).isEqualTo(dev.dmap.schemas.ErrorCode.MODEL_LOAD_FAILED));
        assertThat(api.calls).as("no load attempted while it is remembered").isEmpty();
        assertThat(residency.failedLoads()).containsOnlyKeys("a");
        residency.acquire("b").close(); // other models are served

        clock.advance(BackendSettings.DEFAULT_LOAD_FAILURE_MEMORY);
        residency.acquire("a").close();
        assertThat(api.calls).containsExactly("load b", "unload b", "load a");
        assertThat(residency.failedLoads()).isEmpty();
    }

    @Test
    void shouldTreatAnUnloadOfAModelTheBackendNoLongerHoldsAsDone() {
        ModelResidency residency = residency(1);
        residency.acquire("a").close();
        api.forgetLoaded(); // LM Studio restarted, or unloaded it by its TTL
        residency.acquire("b").close();
        assertThat(api.calls).containsExactly("load a", "unload a", "load b");
    }

    @Test
    void shouldMakeRoomAndLoadAgainWhenTheBackendHeldAModelItLoadedByItself() {
        ModelResidency residency = residency(1);
        residency.acquire("c").close();
        // LM Studio restarted and JIT-loaded b for a call in flight: the worker still believes c is loaded
        api.forgetLoaded();
        api.loaded.put("b", new LoadedModel("b", List.of("b"), 4096, 4, 0));
        api.failNextLoad = new RetryableFailure(RetryableFailure.Reason.SERVER_ERROR,
                "500: insufficient system resources", null, null);

        residency.acquire("a").close();

        assertThat(api.calls).containsExactly("load c", "unload c", "load a", "unload b", "load a");
    }

    @Test
    void shouldReportAFailedLoadAsLoadFailed() {
        ModelResidency residency = residency(1);
        api.failNextLoad = new RetryableFailure(RetryableFailure.Reason.SERVER_ERROR, "500", null, null);
        assertThatThrownBy(() -> residency.acquire("a")).isInstanceOfSatisfying(RetryableFailure.class,
                failure -> assertThat(failure.reason()).isEqualTo(RetryableFailure.Reason.LOAD_FAILED));
        residency.acquire("a").close();
        assertThat(api.calls).containsExactly("load a", "load a");
    }

    @Test
    void shouldUseTheSlotsTheServerReports() {
        ModelResidency residency = residency(1);
        assertThat(residency.slotsFor("a")).isEqualTo(BackendSettings.DEFAULT_SLOTS);
        residency.acquire("a").close();
        assertThat(residency.slotsFor("a")).isEqualTo(4);
    }

    @Test
    void shouldReadTheStateAgainAfterInvalidation() {
        ModelResidency residency = residency(1);
        residency.acquire("a").close();
        api.loaded.clear(); // the server restarted
        residency.invalidate();
        residency.acquire("a").close();
        assertThat(api.calls).containsExactly("load a", "load a");
    }
}
