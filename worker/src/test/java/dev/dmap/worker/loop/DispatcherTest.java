package dev.dmap.worker.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.RequestDecoder;
import dev.dmap.schemas.Response;
import dev.dmap.schemas.Result;
import dev.dmap.schemas.Source;
import dev.dmap.schemas.Timing;
import dev.dmap.schemas.testing.ChatLine;
import dev.dmap.worker.backend.BackendState;
import dev.dmap.worker.backend.Backends;
import dev.dmap.worker.backend.HealthProbe;
import dev.dmap.worker.backend.ModelCatalogue;
import dev.dmap.worker.config.WorkerConfig;
import dev.dmap.worker.delivery.PendingRecord;
import dev.dmap.worker.metrics.WorkerMetrics;
import dev.dmap.worker.pipeline.DeadLetters;
import dev.dmap.worker.pipeline.Outcome;
import dev.dmap.worker.pipeline.Work;
import dev.dmap.worker.scheduling.FifoStrategy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher on its own: records go in, a processor held by the test serves them on real
 * caller threads, and the test reads the events the poll thread would get. No Kafka, no backend.
 */
class DispatcherTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final int SLOTS = 2;

    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final WorkerConfig config = WorkerConfig.defaults("w1", "unused:9092", URI.create("http://127.0.0.1:9"));
    private final BackendState backend = new BackendState(new HealthProbe(new ModelCatalogue(
            Backends.connect(config.backend(), Clock.systemUTC()), Clock.systemUTC(), Duration.ofSeconds(1)),
            config.backend(), Executors.newSingleThreadScheduledExecutor()), true);
    private final ConcurrentLinkedQueue<LoopEvent.Processed> processed = new ConcurrentLinkedQueue<>();
    private final Semaphore release = new Semaphore(0);
    private final AtomicInteger inCall = new AtomicInteger();
    private final AtomicInteger mostInCall = new AtomicInteger();
    private long offset;

    @AfterEach
    void stop() {
        release.release(1_000);
        callers.shutdownNow();
    }

    @Test
    void shouldStartNoMoreOfAModelThanItsSlotsAndStartTheNextAsOneFinishes() {
        Dispatcher dispatcher = dispatcher(this::heldUntilReleased);
        for (int i = 0; i < 5; i++) {
            dispatcher.enqueue(pending("m1"));
        }

        dispatcher.dispatch();
        await().atMost(PATIENCE).until(() -> inCall.get() == SLOTS);
        assertThat(dispatcher.totalInFlight()).isEqualTo(SLOTS);
        assertThat(dispatcher.waiting()).isEqualTo(3);

        release.release(1); // one finishes: its caller thread starts the next itself, no dispatch() from the loop
        await().atMost(PATIENCE).until(() -> processed.size() == 1 && inCall.get() == SLOTS);
        assertThat(dispatcher.waiting()).isEqualTo(2);

        release.release(4);
        await().atMost(PATIENCE).until(() -> processed.size() == 5);
        assertThat(mostInCall.get()).isEqualTo(SLOTS);
        assertThat(dispatcher.totalInFlight()).isZero();
        assertThat(processed).allMatch(event -> event.outcome() instanceof Outcome.Succeeded);
    }

    @Test
    void shouldStartNothingWhileTheBackendIsPausedAndPauseItWhenACallCannotReachIt() {
        Dispatcher dispatcher = dispatcher(work -> new Outcome.Deferred("connection refused"));
        dispatcher.enqueue(pending("m1"));
        dispatcher.dispatch();
        await().atMost(PATIENCE).until(() -> processed.size() == 1);
        assertThat(backend.paused()).isTrue(); // reported before the slot freed

        dispatcher.enqueue(pending("m1"));
        dispatcher.dispatch();
        assertThat(dispatcher.totalInFlight()).isZero();
        assertThat(dispatcher.waiting()).isEqualTo(1);
        assertThat(processed).hasSize(1);
    }

    @Test
    void shouldStartNothingOnceStoppedAndForgetTheRecordsOfPartitionsGivenAway() {
        Dispatcher dispatcher = dispatcher(this::heldUntilReleased);
        PendingRecord first = pending("m1");
        dispatcher.enqueue(first);
        dispatcher.enqueue(pending("m2"));

        dispatcher.forget(List.of(first.partition()));
        assertThat(dispatcher.waiting()).isEqualTo(1);
        assertThat(dispatcher.buffered(first.partition())).isZero();

        dispatcher.stop();
        dispatcher.dispatch();
        assertThat(dispatcher.totalInFlight()).isZero();
        assertThat(dispatcher.waiting()).isEqualTo(1);
    }

    @Test
    void shouldTurnABugInTheProcessorIntoAnInternalErrorForThatRecordAndGoOn() {
        Dispatcher dispatcher = dispatcher(work -> {
            if (work.request().customId().equals("boom")) {
                throw new IllegalStateException("a bug");
            }
            return succeeded(work);
        });
        dispatcher.enqueue(pending("m1", "boom"));
        dispatcher.enqueue(pending("m1", "fine"));
        dispatcher.dispatch();

        await().atMost(PATIENCE).until(() -> processed.size() == 2);
        Map<String, Outcome> byId = new java.util.HashMap<>();
        processed.forEach(event -> byId.put(event.pending().work().request().customId(), event.outcome()));
        assertThat(byId.get("fine")).isInstanceOf(Outcome.Succeeded.class);
        assertThat(byId.get("boom")).isInstanceOfSatisfying(Outcome.Failed.class,
                failed -> assertThat(failed.deadLetter().error().code()).isEqualTo(ErrorCode.INTERNAL_ERROR.code()));
        assertThat(dispatcher.totalInFlight()).isZero();
    }

    @Test
    void shouldCountInFlightPerPartition() {
        Dispatcher dispatcher = dispatcher(this::heldUntilReleased);
        PendingRecord a = pending("m1");
        PendingRecord b = pending("m2");
        dispatcher.enqueue(a);
        dispatcher.enqueue(b);
        dispatcher.dispatch();
        await().atMost(PATIENCE).until(() -> inCall.get() == 2);

        assertThat(dispatcher.inFlightIn(Set.of(a.partition()))).isEqualTo(1);
        assertThat(dispatcher.inFlightIn(Set.of(a.partition(), b.partition()))).isEqualTo(2);
        release.release(2);
        await().atMost(PATIENCE).until(() -> dispatcher.inFlightIn(Set.of(a.partition(), b.partition())) == 0);
    }

    private Dispatcher dispatcher(Function<Work, Outcome> processor) {
        WorkerMetrics metrics = new WorkerMetrics(new SimpleMeterRegistry());
        SlotRunner runner = new SlotRunner(processor, callers, RequestTracing.PASS_THROUGH, new DeadLetters("w1"), metrics,
                Clock.systemUTC(), dev.dmap.worker.pipeline.CallerReplies.NONE);
        return new Dispatcher(new FifoStrategy(), new AllLoaded(SLOTS, Set.of("m1", "m2")), runner, event -> {
            if (event instanceof LoopEvent.Processed done) {
                processed.add(done);
            }
        }, backend, metrics, new CacheHits(dev.dmap.worker.cache.ResponseCache.disabled(metrics.cache(), Clock.systemUTC()),
                (work, now) -> null, dev.dmap.worker.pipeline.CallerReplies.NONE, "w1", Clock.systemUTC()));
    }

    private Outcome heldUntilReleased(Work work) {
        mostInCall.accumulateAndGet(inCall.incrementAndGet(), Math::max);
        try {
            if (!release.tryAcquire(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inCall.decrementAndGet();
        }
        return succeeded(work);
    }

    private PendingRecord pending(String model) {
        return pending(model, "q" + offset);
    }

    private PendingRecord pending(String model, String customId) {
        long at = offset++;
        byte[] line = ChatLine.of(customId, model).bytes();
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("dmap.requests." + model, 0, at, null, line);
        var valid = (dev.dmap.schemas.Decoded.Valid) new RequestDecoder().decode(line);
        Instant now = Instant.now();
        Work work = new Work(valid.request(), valid.tree(), new Source(record.topic(), 0, at), now, Map.of());
        return new PendingRecord(at, 0, record, work, now, now.plus(Duration.ofMinutes(2)));
    }

    private static Outcome succeeded(Work work) {
        return new Outcome.Succeeded(Result.of(work.request(), new Response(200, "r", MessageCodec.mapper().createObjectNode()),
                "w1", 1, Timing.NONE, Instant.now()));
    }
}
