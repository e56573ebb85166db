package dev.dmap.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.cli.DmapCli;
import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.kafka.TopicScan;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.BatchSettings;
import dev.dmap.worker.config.SchedulingSettings;
import dev.dmap.worker.config.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * The response cache end to end, as a user runs it: batches submitted with the CLI to two workers
 * (one model, its partitions split between them), each with its own GPU (emulator), counting the
 * backend calls the GPUs saw. A batch of 60 lines: 40 distinct greedy requests, 10 repeats of 5
 * of them under new ids, 10 sampled ones.
 */
class ResponseCacheIT {
    private static final String MODEL = "qwen2.5-7b-instruct";
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final int LINES = 60;
    private static final int DISTINCT_GREEDY = 40;
    private static final int REPEATS = 10;
    private static final int SAMPLED = 10;

    @TempDir
    Path state;
    @TempDir
    Path dir;
    private LocalBroker broker;
    private final List<LmStudioEmulator> gpus = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    private final List<SimpleMeterRegistry> registries = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = LocalBroker.startTemporary();
        Files.write(dir.resolve("batch.jsonl"), lines());
        for (int i = 0; i < 2; i++) {
            gpus.add(LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(0.01).build()));
        }
        startWorkers();
    }

    @AfterEach
    void stop() {
        workers.forEach(Worker::close);
        gpus.forEach(LmStudioEmulator::close);
        broker.close();
    }

    @Test
    void shouldComputeEachDistinctRequestOnceAcrossBatchesWorkersAndRestarts() throws Exception {
        String first = submit("--batch-id", "first");
        assertThat(callsFor(first)).as("40 distinct greedy + 10 sampled; the 10 repeats wait for their first").isEqualTo(50);
        assertThat(hits(first)).isEqualTo(REPEATS);
        assertThat(results(first).stream().map(r -> r.path("worker").asString()).collect(Collectors.toSet()))
                .as("both workers served the batch").hasSize(2);

        String second = submit("--batch-id", "second");
        assertThat(callsFor(second)).as("only the sampled lines are computed again").isEqualTo(SAMPLED);
        assertThat(hits(second)).isEqualTo(DISTINCT_GREEDY + REPEATS);
        JsonNode secondState = awaitState(second);
        assertThat(secondState.path("cache_hits").asLong()).isEqualTo(DISTINCT_GREEDY + REPEATS);
        assertThat(secondState.at("/tokens_saved/total_tokens").asLong()).isPositive();
        JsonNode hit = results(second).stream().filter(r -> r.path("cache").path("hit").asBoolean(false)).findFirst().orElseThrow();
        assertThat(hit.path("attempts").asInt()).isZero();
        assertThat(hit.at("/timing/backend_ms").asLong()).isZero();

        workers.forEach(Worker::close);
        workers.clear();
        startWorkers();
        String afterRestart = submit("--batch-id", "after-restart");
        assertThat(callsFor(afterRestart)).as("the local copies survived the restart").isEqualTo(SAMPLED);
    }

    @Test
    void shouldHonourOffWriteOnlyReadOnlyAndPurge() throws Exception {
        submit("--batch-id", "warm");
        callsFor("warm");

        String off = submit("--batch-id", "off", "--cache", "off");
        assertThat(callsFor(off)).isEqualTo(LINES);
        assertThat(hits(off)).isZero();

        String writeOnly = submit("--batch-id", "write-only", "--cache", "write-only");
        assertThat(callsFor(writeOnly)).as("write-only computes every line, repeats included").isEqualTo(LINES);
        assertThat(hits(writeOnly)).isZero();

        StringWriter purged = new StringWriter();
        assertThat(run(purged, "cache", "purge", "--all")).isEqualTo(ExitCodes.OK);
        assertThat(purged.toString().trim()).isEqualTo(String.valueOf(DISTINCT_GREEDY));
        await().atMost(PATIENCE).until(() -> registries.stream().allMatch(r -> r.get("dmap.cache.entries").gauge().value() == 0));

        String readOnly = submit("--batch-id", "read-only", "--cache", "read-only");
        int readOnlyCalls = callsFor(readOnly);
        assertThat(readOnlyCalls).as("nothing stored after the purge; a repeat shares its first's answer only while that runs")
                .isBetween(50, LINES);
        String after = submit("--batch-id", "after-read-only");
        int afterCalls = callsFor(after);
        assertThat(afterCalls).as("read-only stored nothing").isEqualTo(50);
        assertThat(hits(after)).isEqualTo(REPEATS);
    }

    private void startWorkers() throws Exception {
        for (int i = 0; i < 2; i++) {
            WorkerConfig config = WorkerConfig.defaults("cache-w" + i, broker.bootstrapServers(), gpus.get(i).baseUrl());
            config = config.withBackend(config.backend().withUnloadCooldown(Duration.ofMillis(20)))
                    .withScheduling(SchedulingSettings.of(SchedulingSettings.Strategy.FIFO))
                    .withBatches(new BatchSettings(i == 0, state, BatchSettings.DEFAULT_RETENTION));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            registries.add(registry);
            workers.add(Worker.start(config, registry));
        }
        // both in the group with partitions before anything is published: no hand-over mid-batch
        String topics = "topics-" + System.nanoTime();
        run(new StringWriter(), "submit", "--no-progress", "--batch-id", topics, topicsOnly().toString());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            await().atMost(PATIENCE).until(() -> admin.describeConsumerGroups(List.of("dmap-workers")).all()
                    .get(10, TimeUnit.SECONDS).get("dmap-workers").members().stream()
                    .filter(m -> !m.assignment().topicPartitions().isEmpty()).count() == 2);
        }
        await().atMost(PATIENCE).until(() -> results(topics).size() == 1);
        registries.subList(0, registries.size() - 2).clear();
    }

    /** A one-line sampled batch: makes the model's request topic so that both workers get its partitions. */
    private Path topicsOnly() throws Exception {
        Path file = dir.resolve("topics.jsonl");
        Files.write(file, List.of(line("t", "hello", "\"temperature\":0.9")));
        return file;
    }

    /** Waits for the batch's results and returns the backend calls it cost (calls on both GPUs since the last count). */
    private int callsFor(String batch) {
        await().atMost(PATIENCE).until(() -> results(batch).size() == LINES);
        int total = gpus.stream().mapToInt(g -> g.stats().totalInferenceCalls()).sum();
        int calls = total - counted;
        counted = total;
        return calls;
    }

    private int counted;

    private long hits(String batch) {
        return results(batch).stream().filter(r -> r.path("cache").path("hit").asBoolean(false)).count();
    }

    private List<JsonNode> results(String batch) {
        Set<String> seen = new java.util.HashSet<>();
        return records(Topics.defaults().results()).stream().filter(r -> r.path("batch_id").asString("").equals(batch))
                .filter(r -> seen.add(r.path("custom_id").asString())).toList();
    }

    private JsonNode awaitState(String batch) {
        await().atMost(PATIENCE).until(() -> state(batch).path("status").asString("").equals("completed"));
        return state(batch);
    }

    private JsonNode state(String batch) {
        JsonNode latest = MessageCodec.mapper().createObjectNode();
        for (JsonNode value : records(Topics.defaults().batches())) {
            if (value.path("batch_id").asString("").equals(batch)) {
                latest = value;
            }
        }
        return latest;
    }

    private List<JsonNode> records(String topic) {
        return TopicScan.committed(broker.bootstrapServers(), topic).stream()
                .map(r -> MessageCodec.mapper().readTree(r.value())).toList();
    }

    private String submit(String... options) throws Exception {
        counted = gpus.stream().mapToInt(g -> g.stats().totalInferenceCalls()).sum();
        List<String> args = new ArrayList<>(List.of("submit", "--no-progress"));
        args.addAll(List.of(options));
        args.add(dir.resolve("batch.jsonl").toString());
        StringWriter out = new StringWriter();
        assertThat(run(out, args.toArray(String[]::new))).isEqualTo(ExitCodes.OK);
        return out.toString().trim();
    }

    private int run(StringWriter out, String... args) {
        int command = args[0].equals("cache") ? 2 : 1; // the subcommand's own options come after its name
        List<String> all = new ArrayList<>(List.of(args).subList(0, command));
        all.add("--bootstrap-servers=" + broker.bootstrapServers());
        all.addAll(List.of(args).subList(command, args.length));
        CommandLine commandLine = DmapCli.commandLine(new DmapCli());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        return commandLine.execute(all.toArray(String[]::new));
    }

    /** 40 distinct greedy requests, 10 repeats of the first 5 under new ids, 10 sampled ones. */
    private static List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < DISTINCT_GREEDY; i++) {
            lines.add(line("g" + i, "Question " + i, "\"temperature\":0"));
        }
        for (int i = 0; i < REPEATS; i++) {
            // the same bodies, written differently: other field order, 0.0 for 0
            lines.add("{\"custom_id\":\"again" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{"
                    + "\"temperature\":0.0,\"messages\":[{\"content\":\"Question " + (i % 5) + "\",\"role\":\"user\"}],"
                    + "\"max_tokens\":16,\"model\":\"" + MODEL + "\"}}");
        }
        for (int i = 0; i < SAMPLED; i++) {
            lines.add(line("s" + i, "Question " + i, "\"temperature\":0.9"));
        }
        return lines;
    }

    private static String line(String customId, String question, String sampling) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\""
                + MODEL + "\",\"max_tokens\":16," + sampling + ",\"messages\":[{\"role\":\"user\",\"content\":\"Question "
                + question.replace("Question ", "") + "\"}]}}";
    }
}
