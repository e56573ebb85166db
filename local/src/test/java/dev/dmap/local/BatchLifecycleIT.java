package dev.dmap.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.client.BatchFile;
import dev.dmap.cli.DmapCli;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.Submitter;
import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.kafka.TopicScan;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.BatchSettings;
import dev.dmap.worker.config.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * Batches as jobs, end to end: the CLI submits, cancels, collects, replays; a worker serves and
 * its batch tracker (Kafka Streams) keeps each batch's state and emits its completion event.
 */
class BatchLifecycleIT {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static LocalBroker broker;
    private static LmStudioEmulator gpu;
    private static Worker worker;
    @TempDir
    static Path state;

    @BeforeAll
    static void start() {
        broker = LocalBroker.startTemporary();
        gpu = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(0.05).build());
        WorkerConfig config = WorkerConfig.defaults("batch-worker", broker.bootstrapServers(), gpu.baseUrl());
        config = config.withBackend(config.backend().withUnloadCooldown(Duration.ofMillis(20)))
                .withBatches(new BatchSettings(true, state, BatchSettings.DEFAULT_RETENTION));
        worker = Worker.start(config, new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        worker.close();
        gpu.close();
        broker.close();
    }

    @Test
    void shouldTrackABatchToCompletionAndEmitOneCompletionEvent(@TempDir Path dir) throws Exception {
        String batch = submit(dir, lines(6, "qwen2.5-7b-instruct", "mistral-7b-instruct-v0.3"), "--batch-id", "job-complete");

        JsonNode state = awaitState(batch, "completed");

        assertThat(state.path("outcome").asString()).isEqualTo("succeeded");
        assertThat(state.at("/request_counts/total").asInt()).isEqualTo(6);
        assertThat(state.at("/request_counts/completed").asInt()).isEqualTo(6);
        assertThat(state.at("/models/qwen2.5-7b-instruct/completed").asInt()).isEqualTo(3);
        assertThat(state.at("/usage/total_tokens").asLong()).isPositive();
        assertThat(state.path("in_progress_at").isString()).isTrue();
        assertThat(state.path("completed_at").isString()).isTrue();
        List<JsonNode> events = records(Topics.defaults().batchEvents()).stream()
                .filter(e -> e.path("batch_id").asString().equals(batch)).toList();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("type").asString()).isEqualTo("batch.completed");
    }

    @Test
    void shouldNeverLetABatchWhereEveryRequestFailedReadAsSuccess(@TempDir Path dir) throws Exception {
        String batch = submit(dir, lines(3, "no-such-model"), "--batch-id", "job-all-failed");

        JsonNode state = awaitState(batch, "completed");

        assertThat(state.path("outcome").asString()).isEqualTo("all_failed");
        assertThat(run("collect", "--batch-id", batch, "-o", dir.resolve("out.jsonl").toString(), "--no-progress"))
                .isEqualTo(ExitCodes.ALL_FAILED);
        assertThat(Files.readAllLines(dir.resolve("out.errors.jsonl"))).hasSize(3);
    }

    @Test
    void shouldCancelABatchAndEndItsRemainingRequestsAsCancelled(@TempDir Path dir) throws Exception {
        gpu.faults().reset();
        List<String> lines = lines(400, "meta-llama-3.1-8b-instruct");
        String batch = submit(dir, lines, "--batch-id", "job-cancel");
        await().atMost(PATIENCE).until(() -> countResults(batch) >= 5);

        assertThat(run("cancel", batch)).isEqualTo(ExitCodes.OK);

        JsonNode state = awaitState(batch, "cancelled");
        assertThat(state.at("/request_counts/completed").asInt() + state.at("/request_counts/failed").asInt()).isEqualTo(400);
        assertThat(state.at("/errors/batch_cancelled").asInt()).isPositive();
        assertThat(state.path("cancelling_at").isString()).isTrue();
        assertThat(gpu.stats().inferenceCallsByModel().get("meta-llama-3.1-8b-instruct")).isLessThan(400);
    }

    @Test
    void shouldExpireABatchWhoseDeadlinePassed(@TempDir Path dir) throws Exception {
        String batch = submit(dir, lines(4, "qwen2.5-7b-instruct"), "--batch-id", "job-expired",
                "--deadline", Instant.now().minusSeconds(60).toString());

        JsonNode state = awaitState(batch, "expired");

        assertThat(state.at("/errors/deadline_exceeded").asInt()).isEqualTo(4);
        assertThat(state.path("expired_at").isString()).isTrue();
    }

    @Test
    void shouldPublishNothingTwiceWhenTheSameBatchIsSubmittedAgain(@TempDir Path dir) throws Exception {
        List<String> lines = lines(5, "mistral-7b-instruct-v0.3");
        String batch = submit(dir, lines, "--batch-id", "job-again");
        assertThat(submit(dir, lines, "--batch-id", "job-again")).isEqualTo(batch);
        awaitState(batch, "completed");

        long published = records(Topics.defaults().requests("mistral-7b-instruct-v0.3")).stream()
                .filter(r -> r.path("batch_id").asString().equals(batch)).count();
        assertThat(published).isEqualTo(5);
        assertThat(countResults(batch)).isEqualTo(5);
        assertThat(submitExit(dir, lines(6, "mistral-7b-instruct-v0.3"), "--batch-id", "job-again"))
                .as("another file under a used id is refused").isEqualTo(ExitCodes.INVALID_INPUT);
    }

    @Test
    void shouldFinishAnInterruptedSubmitWithoutServingARequestTwice(@TempDir Path dir) throws Exception {
        String model = "qwen2.5-7b-instruct";
        int callsBefore = gpu.stats().inferenceCallsByModel().getOrDefault(model, 0);
        Path file = dir.resolve("input.jsonl");
        Files.write(file, lines(6, model));
        BatchFile batchFile = BatchFile.read(file);
        String batch = "job-interrupted";
        KafkaConnection kafka = KafkaConnection.of(broker.bootstrapServers(), Topics.DEFAULT_PREFIX);
        Instant submittedAt = Instant.now();
        // an earlier submit published the creation command, then died in the middle of its
        // transaction: half the requests are on the broker, uncommitted, so no worker sees them
        new Submitter(kafka, Clock.systemUTC()).command(BatchCommand.created(batch, 6, batchFile.countsByModel(),
                "input.jsonl", null, submittedAt));
        KafkaProducer<byte[], byte[]> dead = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, Submitter.TRANSACTIONAL_ID_PREFIX + batch,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        dead.initTransactions();
        dead.beginTransaction();
        List<Request> requests = new java.util.ArrayList<>();
        batchFile.forEachRequest(requests::add);
        for (Request request : requests.subList(0, 3)) {
            Request published = request.withBatch(batch, submittedAt, null);
            dead.send(new ProducerRecord<>(Topics.defaults().requests(model),
                    published.id().getBytes(StandardCharsets.UTF_8), MessageCodec.encode(published)));
        }
        dead.flush();
        dead.close(Duration.ZERO); // a forced close sends no abort: the transaction stays open, as after a kill

        StringWriter out = new StringWriter();
        assertThat(submit(dir, lines(6, model), out, "--batch-id", batch)).isEqualTo(ExitCodes.OK);

        JsonNode state = awaitState(batch, "completed");
        assertThat(state.at("/request_counts/completed").asInt()).isEqualTo(6);
        assertThat(countResults(batch)).isEqualTo(6);
        assertThat(gpu.stats().inferenceCallsByModel().get(model) - callsBefore).isEqualTo(6);
    }

    @Test
    void shouldReplayDeadLettersAndCountThemAsCompleted(@TempDir Path dir) throws Exception {
        gpu.faults().failNext(3, 400);
        String batch = submit(dir, lines(3, "google/gemma-3-4b"), "--batch-id", "job-replay");
        JsonNode failed = awaitState(batch, "completed");
        assertThat(failed.path("outcome").asString()).isEqualTo("all_failed");
        assertThat(failed.at("/errors/upstream_rejected").asInt()).isEqualTo(3);

        assertThat(run("dlq", "replay", "--batch", batch, "--code", "upstream_rejected")).isEqualTo(ExitCodes.OK);

        await().atMost(PATIENCE).until(() -> state(batch).path("outcome").asString("").equals("succeeded"));
        JsonNode replayed = state(batch);
        assertThat(replayed.at("/request_counts/completed").asInt()).isEqualTo(3);
        assertThat(replayed.at("/request_counts/failed").asInt()).isZero();
        assertThat(records(Topics.defaults().results()).stream()
                .filter(r -> r.path("batch_id").asString().equals(batch)).count()).isEqualTo(3);
        // each change of the ended batch's outcome is one more event; the latest carries the current outcome
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(records(Topics.defaults().batchEvents()).stream()
                .filter(e -> e.path("batch_id").asString().equals(batch)).map(e -> e.path("outcome").asString()))
                .containsExactly("all_failed", "partially_failed", "succeeded"));
    }

    @Test
    void shouldResumeCollectingWithoutWritingALineTwice(@TempDir Path dir) throws Exception {
        String batch = submit(dir, lines(8, "qwen2.5-7b-instruct"), "--batch-id", "job-resume");
        awaitState(batch, "completed");
        Path out = dir.resolve("resume.jsonl");
        // a first, interrupted run left three lines behind
        assertThat(run("collect", "--batch-id", batch, "-o", out.toString(), "--no-progress")).isEqualTo(ExitCodes.OK);
        List<String> complete = Files.readAllLines(out);
        Files.write(out, complete.subList(0, 3));

        assertThat(run("collect", "--batch-id", batch, "-o", out.toString(), "--no-progress")).isEqualTo(ExitCodes.OK);

        List<String> resumed = Files.readAllLines(out);
        assertThat(resumed).hasSize(8).doesNotHaveDuplicates();
        assertThat(resumed.subList(0, 3)).isEqualTo(complete.subList(0, 3));
    }

    private static String submit(Path dir, List<String> lines, String... options) throws Exception {
        StringWriter out = new StringWriter();
        int exit = submit(dir, lines, out, options);
        assertThat(exit).isEqualTo(ExitCodes.OK);
        return out.toString().trim();
    }

    private static int submitExit(Path dir, List<String> lines, String... options) throws Exception {
        return submit(dir, lines, new StringWriter(), options);
    }

    private static int submit(Path dir, List<String> lines, StringWriter out, String... options) throws Exception {
        Path file = dir.resolve("input.jsonl");
        Files.write(file, lines);
        List<String> args = new ArrayList<>(List.of("submit", "--no-progress", file.toString()));
        args.addAll(List.of(options));
        CommandLine commandLine = cli();
        commandLine.setOut(new PrintWriter(out, true));
        return commandLine.execute(withBroker(args.toArray(String[]::new)));
    }

    private static int run(String... args) {
        return cli().execute(withBroker(args));
    }

    /** The subcommand, then the local broker, then the rest. */
    private static String[] withBroker(String... args) {
        List<String> all = new ArrayList<>(List.of(args[0], "--bootstrap-servers=" + broker.bootstrapServers()));
        all.addAll(List.of(args).subList(1, args.length));
        return all.toArray(String[]::new);
    }

    private static CommandLine cli() {
        CommandLine commandLine = DmapCli.commandLine(new DmapCli());
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        return commandLine;
    }

    private static List<String> lines(int count, String... models) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String model = models[i % models.length];
            lines.add("{\"custom_id\":\"r" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\""
                    + model + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Question " + i + "\"}]}}");
        }
        return lines;
    }

    private static JsonNode awaitState(String batch, String status) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300))
                .until(() -> state(batch).path("status").asString("").equals(status));
        return state(batch);
    }

    private static JsonNode state(String batch) {
        JsonNode latest = MessageCodec.mapper().createObjectNode();
        for (JsonNode state : records(Topics.defaults().batches())) {
            if (state.path("batch_id").asString().equals(batch)) {
                latest = state;
            }
        }
        return latest;
    }

    private static long countResults(String batch) {
        return records(Topics.defaults().results()).stream().filter(r -> r.path("batch_id").asString().equals(batch)).count();
    }

    private static List<JsonNode> records(String topic) {
        return TopicScan.committed(broker.bootstrapServers(), topic).stream()
                .map(r -> MessageCodec.mapper().readTree(r.value())).toList();
    }
}
