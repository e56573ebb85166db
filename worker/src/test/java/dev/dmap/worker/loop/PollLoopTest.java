package dev.dmap.worker.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Response;
import dev.dmap.schemas.Result;
import dev.dmap.schemas.Timing;
import dev.dmap.schemas.testing.ChatLine;
import dev.dmap.worker.backend.BackendState;
import dev.dmap.worker.backend.HealthProbe;
import dev.dmap.worker.backend.Backend;
import dev.dmap.worker.backend.Backends;
import dev.dmap.worker.backend.ModelCatalogue;
import dev.dmap.worker.config.DeliverySettings;
import dev.dmap.worker.config.WorkerConfig;
import dev.dmap.worker.delivery.AtLeastOnceDelivery;
import dev.dmap.worker.delivery.FinishedOffsets;
import dev.dmap.worker.metrics.WorkerMetrics;
import dev.dmap.worker.pipeline.DeadLetters;
import dev.dmap.worker.pipeline.Outcome;
import dev.dmap.worker.pipeline.Work;
import dev.dmap.worker.scheduling.FifoStrategy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The consumer loop with kafka-clients' own MockConsumer and MockProducer (at-least-once
 * delivery), a processor given by each test and a fixed number of slots: fast and deterministic,
 * no broker, no backend.
 */
class PollLoopTest {
    private static final String MODEL = "m1";
    private static final TopicPartition PARTITION = new TopicPartition("dmap.requests." + MODEL, 0);
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final WorkerConfig config = WorkerConfig.defaults("w1", "unused:9092", URI.create("http://127.0.0.1:9"))
            .withDelivery(new DeliverySettings(DeliverySettings.Mode.AT_LEAST_ONCE, DeliverySettings.DEFAULT_TRANSACTION_INTERVAL));
    private final BackendState backend = new BackendState(probe(config), true);
    private PollLoop loop;
    private Thread thread;

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.stop();
            thread.join(PATIENCE.toMillis());
        }
        callers.shutdownNow();
    }

    @Test
    void shouldCommitOnlyBelowTheFirstUnfinishedOffsetAndCarryTheFinishedOnesAboveInTheMetadata() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        start(work -> {
            if (work.request().customId().equals("q0")) {
                waitFor(first);
            }
            return succeeded(work);
        });
        publish("q0", "q1", "q2");

        await().atMost(PATIENCE).until(() -> results().size() == 2);
        await().atMost(PATIENCE).until(() -> committed() != null && !committed().metadata().isEmpty());
        assertThat(committed().offset()).as("q0 is unfinished").isZero();
        assertThat(FinishedOffsets.decode(committed().offset(), committed().metadata())).containsExactlyInAnyOrder(1L, 2L);

        first.countDown();
        await().atMost(PATIENCE).until(() -> committed().offset() == 3);
        assertThat(results()).extracting(result -> result.path("custom_id").asString()).containsExactlyInAnyOrder("q0", "q1", "q2");
    }

    @Test
    void shouldPublishARecordThatIsNotJsonAsADeadLetterWithoutServingIt() throws Exception {
        Set<String> served = ConcurrentHashMap.newKeySet();
        start(work -> {
            served.add(work.request().customId());
            return succeeded(work);
        });
        schedule(() -> consumer.addRecord(new ConsumerRecord<>(PARTITION.topic(), 0, 0, null, bytes("not json"))));
        publishAt(1, "q1");

        await().atMost(PATIENCE).until(() -> results().size() == 1 && deadLetters().size() == 1);
        assertThat(deadLetters().get(0).path("error").path("code").asString()).isEqualTo("invalid_json");
        assertThat(served).containsExactly("q1");
        await().atMost(PATIENCE).until(() -> committed() != null && committed().offset() == 2);
    }

    @Test
    void shouldFinishWhatIsInFlightAndCommitItWhenThePartitionIsRevoked() throws Exception {
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start(work -> {
            inCall.countDown();
            waitFor(release);
            return succeeded(work);
        });
        publish("q0");
        assertThat(inCall.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        schedule(() -> {
            callers.execute(() -> {
                // the call ends once the revocation waits for it (the poll thread parks in the hand-over)
                await().atMost(PATIENCE).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
                release.countDown();
            });
            consumer.rebalance(List.of());
        });

        await().atMost(PATIENCE).until(() -> results().size() == 1 && consumer.assignment().isEmpty());
        schedule(() -> consumer.rebalance(List.of(PARTITION))); // MockConsumer shows commits of assigned partitions only
        await().atMost(PATIENCE).until(() -> committed() != null);
        assertThat(committed().offset()).as("committed on revocation, after the call ended").isEqualTo(1);
    }

    @Test
    void shouldSurviveAKafkaFailureAndServeTheRecordsAgainFromTheCommit() throws Exception {
        start(PollLoopTest::succeeded);
        publish("q0");
        await().atMost(PATIENCE).until(() -> results().size() == 1);

        consumer.setPollException(new KafkaException("broker went away"));
        publishAt(1, "q1");

        await().atMost(PATIENCE).until(() -> results().size() == 2);
        assertThat(loop.failure()).isNull();
        assertThat(loop.status().running()).isTrue();
    }

    @Test
    void shouldStopWithTheReasonWhenKafkaRefusesTheWorker() throws Exception {
        start(PollLoopTest::succeeded);
        await().atMost(PATIENCE).until(() -> consumer.assignment().contains(PARTITION));

        consumer.setPollException(new FencedInstanceIdException("another worker has this group.instance.id"));

        assertThat(loop.awaitStopped(PATIENCE)).isTrue();
        assertThat(loop.failure()).startsWith("Kafka refuses this worker").contains("group.instance.id");
    }

    @Test
    void shouldEndAnUnexpectedFailureAsAnInternalErrorAndGoOn() throws Exception {
        start(work -> {
            if (work.request().customId().equals("bug")) {
                throw new IllegalStateException("a bug");
            }
            return succeeded(work);
        });
        publish("bug", "q1");

        await().atMost(PATIENCE).until(() -> results().size() == 1 && deadLetters().size() == 1);
        assertThat(deadLetters().get(0).path("error").path("code").asString()).isEqualTo(ErrorCode.INTERNAL_ERROR.code());
    }

    @Test
    void shouldPutADeferredRequestBackAndPauseConsumptionWhileTheBackendIsUnreachable() throws Exception {
        start(work -> new Outcome.Deferred("connection refused"));
        publish("q0");

        await().atMost(PATIENCE).until(backend::paused);
        await().atMost(PATIENCE).until(() -> consumer.paused().contains(PARTITION));
        assertThat(loop.status().backendDown()).isTrue();
        assertThat(results()).isEmpty();
        assertThat(deadLetters()).isEmpty();
    }

    private void start(Function<Work, Outcome> processor) {
        WorkerLoops.Backing backing = new WorkerLoops.Backing(new AllLoaded(4, Set.of(MODEL)), processor, new DeadLetters("w1"), callers,
                backend, new FifoStrategy());
        Telemetry telemetry = new Telemetry(new WorkerMetrics(new SimpleMeterRegistry()), RequestTracing.PASS_THROUGH,
                Clock.systemUTC());
        loop = WorkerLoops.assemble(config, consumer, (assignment, events, recovery) -> new AtLeastOnceDelivery(producer,
                consumer, assignment, events, Duration.ofMillis(10), Clock.systemUTC()), backing, null, telemetry);
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.updateEndOffsets(Map.of(PARTITION, 0L));
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(PARTITION)));
        thread = new Thread(loop, "poll-loop-test");
        thread.start();
    }

    private void publish(String... customIds) {
        for (int i = 0; i < customIds.length; i++) {
            publishAt(i, customIds[i]);
        }
    }

    private void publishAt(long offset, String customId) {
        byte[] line = ChatLine.of(customId, MODEL).bytes();
        schedule(() -> {
            consumer.addRecord(new ConsumerRecord<>(PARTITION.topic(), 0, offset, bytes(customId), line));
            consumer.updateEndOffsets(Map.of(PARTITION, offset + 1));
        });
    }

    /** Runs on the poll thread, inside its next poll: MockConsumer is not thread-safe. */
    private void schedule(Runnable task) {
        consumer.schedulePollTask(task);
    }

    private OffsetAndMetadata committed() {
        return committedOffsets().get(PARTITION);
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets() {
        synchronized (consumer) {
            return consumer.committed(Set.of(PARTITION));
        }
    }

    private List<JsonNode> results() {
        return history("dmap.results");
    }

    private List<JsonNode> deadLetters() {
        return history("dmap.dead-letters");
    }

    private List<JsonNode> history(String topic) {
        return producer.history().stream().filter(record -> record.topic().equals(topic)).map(ProducerRecord::value)
                .map(value -> MessageCodec.mapper().readTree(value)).toList();
    }

    private static Outcome succeeded(Work work) {
        return new Outcome.Succeeded(Result.of(work.request(), new Response(200, "r", MessageCodec.mapper().createObjectNode()),
                "w1", 1, Timing.NONE, java.time.Instant.now()));
    }

    private static HealthProbe probe(WorkerConfig config) {
        Backend client = Backends.connect(config.backend(), Clock.systemUTC());
        return new HealthProbe(new ModelCatalogue(client, Clock.systemUTC(), Duration.ofSeconds(1)), config.backend(),
                Executors.newSingleThreadScheduledExecutor());
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
