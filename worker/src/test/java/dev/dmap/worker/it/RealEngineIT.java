package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.devkit.engine.LlamaServer;
import dev.dmap.devkit.net.FreePorts;
import dev.dmap.schemas.SchemaValidator;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.WorkerConfig;
import dev.dmap.worker.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The whole pipeline against a real llama.cpp llama-server: requests on Kafka, a worker, the engine,
 * results and dead letters on Kafka. The models are tiny and random, so the assertions are on
 * structure: counts, usage numbers, error codes, loads, slots; never on text.
 */
class RealEngineIT {
    private static final Logger log = LoggerFactory.getLogger(RealEngineIT.class);
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    private final List<LlamaServer> servers = new ArrayList<>();
    private WorkerFixture fixture;

    @BeforeEach
    void setUp() {
        RealEngine.require();
        fixture = new WorkerFixture(TestBroker.bootstrapServers(), 0.01);
    }

    @AfterEach
    void cleanUp() {
        if (fixture != null) { // null when the engine is not installed and the test was skipped
            fixture.close();
        }
        servers.forEach(LlamaServer::close);
    }

    @Test
    void shouldServeChatAndCompletionsAndRefuseAnOverflowBeforeCallingWithTheServersOwnCount() throws Exception {
        LlamaServer server = start(LlamaServer.single(LlamaServer.SPM_64, FreePorts.next(), "--parallel", "2"));
        String model = LlamaServer.SPM_64;
        serve(server, Set.of(model), 2, "real-1");
        for (int i = 0; i < 20; i++) {
            fixture.kafka.publishRequest("chat-" + i, model, "Question number " + i + ": what is a partition?", 8);
        }
        for (int i = 0; i < 10; i++) {
            fixture.kafka.publish(model, "text-" + i, TestKafka.utf8(completion("text-" + i, model, "Once upon a time " + i)));
        }
        fixture.kafka.publishRequest("too-long", model, "word ".repeat(3_000), 8);

        await().atMost(PATIENCE).until(() -> fixture.kafka.results().size() + fixture.kafka.deadLetters().size() >= 31);

        List<JsonNode> results = fixture.kafka.results();
        assertThat(results).hasSize(30);
        for (JsonNode result : results) {
            assertThat(SchemaValidator.result().validate(result)).isEmpty();
            JsonNode usage = result.at("/response/body/usage");
            assertThat(usage.path("prompt_tokens").asInt()).isPositive();
            assertThat(usage.path("completion_tokens").asInt()).isBetween(1, 8);
            assertThat(result.at("/response/body/system_fingerprint").asString()).startsWith("b"); // llama.cpp's build
        }
        assertThat(results).filteredOn(r -> r.path("custom_id").asString().startsWith("text-"))
                .allSatisfy(r -> assertThat(r.at("/response/body/object").asString()).isEqualTo("text_completion"));
        JsonNode overflow = fixture.kafka.deadLetters().get(0);
        assertThat(overflow.path("custom_id").asString()).isEqualTo("too-long");
        assertThat(overflow.at("/error/code").asString()).isEqualTo("context_length_exceeded");
        assertThat(overflow.at("/error/message").asString()).contains("counted by the server").contains("context of 1024");
        assertThat(overflow.path("attempts").asInt()).as("refused before any call").isZero();
    }

    @Test
    void shouldServeResponsesLinesWithTheirUsageInTheResponsesNaming() throws Exception {
        LlamaServer server = start(LlamaServer.single(LlamaServer.SPM_64, FreePorts.next(), "--parallel", "2"));
        String model = LlamaServer.SPM_64;
        serve(server, Set.of(model), 2, "real-resp");
        for (int i = 0; i < 5; i++) {
            fixture.kafka.publish(model, "resp-" + i, TestKafka.utf8("{\"custom_id\":\"resp-" + i
                    + "\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"" + model + "\",\"instructions\":\"Be brief.\","
                    + "\"input\":\"Question " + i + "\",\"max_output_tokens\":8}}"));
        }

        await().atMost(PATIENCE).until(() -> fixture.kafka.results().size() + fixture.kafka.deadLetters().size() >= 5);

        assertThat(fixture.kafka.deadLetters()).isEmpty();
        assertThat(fixture.kafka.results()).hasSize(5).allSatisfy(result -> {
            assertThat(SchemaValidator.result().validate(result)).isEmpty();
            assertThat(result.at("/response/body/object").asString()).isEqualTo("response");
            assertThat(result.at("/response/body/usage/input_tokens").asInt()).isPositive();
            assertThat(result.at("/response/body/usage/output_tokens").asInt()).isBetween(1, 8);
        });
    }

    @Test
    void shouldServeEmbeddings() throws Exception {
        LlamaServer server = start(LlamaServer.single(LlamaServer.LLAMA3TOK_256, FreePorts.next(),
                "--embeddings", "--pooling", "mean"));
        String model = LlamaServer.LLAMA3TOK_256;
        serve(server, Set.of(model), 1, "real-emb");
        for (int i = 0; i < 5; i++) {
            fixture.kafka.publish(model, "emb-" + i, TestKafka.utf8("{\"custom_id\":\"emb-" + i
                    + "\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"" + model + "\",\"input\":[\"text " + i
                    + "\",\"another text " + i + "\"]}}"));
        }

        await().atMost(PATIENCE).until(() -> fixture.kafka.results().size() >= 5);

        assertThat(fixture.kafka.results()).allSatisfy(result -> {
            assertThat(result.at("/response/body/data")).hasSize(2);
            assertThat(result.at("/response/body/data/0/embedding")).hasSize(256);
            assertThat(result.at("/response/body/usage/prompt_tokens").asInt()).isPositive();
        });
        assertThat(fixture.kafka.deadLetters()).isEmpty();
    }

    @Test
    void shouldLoadEachModelOnceInRouterModeWithRoomForOneAndAbortNothing() throws Exception {
        LlamaServer router = start(LlamaServer.router(1, FreePorts.next(), "--parallel", "2"));
        fixture.kafka.createRequestTopics(Set.copyOf(LlamaServer.MODELS), 1);
        for (int i = 0; i < 10; i++) {
            for (String model : LlamaServer.MODELS) { // interleaved: a naive client swaps on every request
                fixture.kafka.publishRequest(model + "-" + i, model, "Request " + i, 8);
            }
        }
        WorkerConfig config = fixture.config("real-router", router.baseUrl(), Map.of());
        fixture.startWorker(config.withBackend(config.backend().withMaxLoadedModels(3))); // the router says 1

        await().atMost(PATIENCE).until(() -> fixture.kafka.results().size() + fixture.kafka.deadLetters().size() >= 30);

        assertThat(fixture.kafka.deadLetters()).isEmpty();
        assertThat(fixture.kafka.results()).hasSize(30);
        double loads = fixture.registry.find(MetricNames.MODEL_SWAPS).counters().stream().mapToDouble(c -> c.count()).sum();
        double retries = fixture.registry.find(MetricNames.RETRIES).counters().stream().mapToDouble(c -> c.count()).sum();
        log.info("router --models-max 1, 3 models x 10 interleaved: {} loads, {} retries", loads, retries);
        assertThat(loads).as("each model loaded once").isEqualTo(3);
        assertThat(retries).as("no generation aborted by an eviction").isZero();
    }

    @Test
    void shouldFillTheSlotsTheServerReportsAndNoMore() throws Exception {
        LlamaServer server = start(LlamaServer.single(LlamaServer.SPM_64, FreePorts.next(), "--parallel", "3"));
        String model = LlamaServer.SPM_64;
        serve(server, Set.of(model), 1, "real-slots");
        AtomicInteger most = new AtomicInteger();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            Gauge inFlight = fixture.registry.find(MetricNames.IN_FLIGHT).tag("model", model).gauge();
            if (inFlight != null) {
                most.accumulateAndGet((int) inFlight.value(), Math::max);
            }
        }, 0, 2, TimeUnit.MILLISECONDS);
        try {
            for (int i = 0; i < 60; i++) {
                fixture.kafka.publishRequest("slot-" + i, model, "Tell a long story " + i, 64);
            }
            await().atMost(PATIENCE).until(() -> fixture.kafka.results().size() >= 60);
        } finally {
            sampler.shutdownNow();
        }

        assertThat(fixture.registry.find(MetricNames.SLOTS).tag("model", model).gauge().value()).isEqualTo(3);
        assertThat(most.get()).as("requests in flight at once").isEqualTo(3);
    }

    @Test
    void shouldPauseWhileTheServerIsDownAndLoseNothing() throws Exception {
        LlamaServer server = start(LlamaServer.single(LlamaServer.SPM_64, FreePorts.next(), "--parallel", "2"));
        String model = LlamaServer.SPM_64;
        Worker worker = serve(server, Set.of(model), 2, "real-crash");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String id = "crash-" + i;
            fixture.kafka.publishRequest(id, model, "Question " + i, 32);
            sent.add(id);
        }
        await().atMost(PATIENCE).until(() -> fixture.kafka.results().size() >= 40);

        server.kill(); // mid-batch: calls in flight break
        // the fault itself: the server stays away 5 s, and the worker does not give up meanwhile
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15)).until(() -> worker.failure() == null);
        server.restart();

        await().atMost(PATIENCE).until(() -> fixture.kafka.results().size() + fixture.kafka.deadLetters().size() >= 200);
        // a duplicate would arrive now: the count must hold still for a second
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                .until(() -> fixture.kafka.results().size() + fixture.kafka.deadLetters().size() == 200);
        Tally tally = Tally.of("llama-server SIGKILLed mid-batch, down 5 s", sent, fixture.kafka.results(),
                fixture.kafka.deadLetters());
        log.info("{}", tally);
        assertThat(tally.deadLetters()).as(tally.toString()).isZero();
        assertThat(tally.exactlyOnce()).as(tally.toString()).isTrue();
    }

    private LlamaServer start(LlamaServer server) {
        servers.add(server);
        return server;
    }

    /** Request topics for {@code models} and one worker against {@code server}. */
    private Worker serve(LlamaServer server, Set<String> models, int partitions, String workerId) throws Exception {
        fixture.kafka.createRequestTopics(models, partitions);
        return fixture.startWorker(fixture.config(workerId, server.baseUrl(), Map.of()));
    }

    private static String completion(String id, String model, String prompt) {
        return "{\"custom_id\":\"" + id + "\",\"url\":\"/v1/completions\",\"body\":{\"model\":\"" + model
                + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":8}}";
    }
}
