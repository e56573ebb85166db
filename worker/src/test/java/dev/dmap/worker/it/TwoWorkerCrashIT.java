package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two workers, each in its own JVM and each with its own emulated GPU, share 2,000 requests
 * over three models in which long and short generations alternate, so that later offsets finish
 * before earlier ones; each worker is SIGKILLed and restarted at different moments (the other
 * takes its partitions over in a rebalance). A read_committed reader sees exactly one terminal
 * record per request: the finished offsets above each commit travel with it.
 */
class TwoWorkerCrashIT {
    private static final Logger log = LoggerFactory.getLogger(TwoWorkerCrashIT.class);
    private static final int TOTAL = 2_000;
    private static final List<String> MODELS = List.of(WorkerScenarios.QWEN, WorkerScenarios.LLAMA, WorkerScenarios.MISTRAL);

    private final List<Process> processes = new ArrayList<>();
    private final List<LmStudioEmulator> gpus = new ArrayList<>();
    private WorkerFixture fixture;
    private List<String> sent;

    @AfterEach
    void cleanUp() {
        processes.forEach(Process::destroyForcibly);
        gpus.forEach(LmStudioEmulator::close);
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldEndEveryRequestOnceWhenTwoWorkersAreKilledAtVariedMoments() throws Exception {
        fixture = new WorkerFixture(TestBroker.bootstrapServers(), 0.01);
        for (int i = 0; i < 2; i++) {
            // a long generation takes about 120 ms, a short one about 20 ms; 4 slots per GPU
            gpus.add(LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(1.0)
                    .requestOverhead(Duration.ofMillis(20)).decodeTokensPerSecond(4_000)
                    .loadOverhead(Duration.ofMillis(50)).loadBytesPerSecond(200e9).build()));
        }
        sent = new Workload(MODELS).publish(fixture.kafka, "kill", TOTAL);

        Process[] workers = {start(0), start(1)};
        // kill A, then B, then A again, each after more of the batch has ended, and restart each at once
        int[][] kills = {{0, 300}, {1, 800}, {0, 1_300}};
        for (int[] kill : kills) {
            int victim = kill[0];
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> fixture.kafka.results().size() >= kill[1]);
            workers[victim].destroyForcibly(); // SIGKILL: no commit, an open transaction left behind
            workers[victim].waitFor();
            workers[victim] = start(victim);
        }

        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> tally().lost() == 0);
        Tally tally = tally();
        log.info("{}", tally);
        assertThat(tally.duplicated()).as(tally.toString()).isZero();
        assertThat(tally.exactlyOnce()).as(tally.toString()).isTrue();
        assertThat(tally.deadLetters()).as(tally.toString()).isZero();
        long calls = gpus.stream().flatMap(gpu -> gpu.stats().inferenceCallsByModel().values().stream())
                .mapToLong(Integer::longValue).sum();
        log.info("backend calls: {} for {} requests", calls, TOTAL);
    }

    @Test
    void shouldLeaveNoResultWithoutItsCacheEntryWhenWorkersAreKilled() throws Exception {
        fixture = new WorkerFixture(TestBroker.bootstrapServers(), 0.01);
        for (int i = 0; i < 2; i++) {
            gpus.add(LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(1.0)
                    .requestOverhead(Duration.ofMillis(20)).decodeTokensPerSecond(4_000)
                    .loadOverhead(Duration.ofMillis(50)).loadBytesPerSecond(200e9).build()));
        }
        sent = new Workload(MODELS, true).publish(fixture.kafka, "cache-kill", TOTAL);
        Process[] workers = {start(0), start(1)};
        int[][] kills = {{0, 400}, {1, 1_000}};
        for (int[] kill : kills) {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> fixture.kafka.results().size() >= kill[1]);
            workers[kill[0]].destroyForcibly();
            workers[kill[0]].waitFor();
            workers[kill[0]] = start(kill[0]);
        }

        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> tally().lost() == 0);
        Tally tally = Tally.of("two workers with the cache, two SIGKILLs", sent, fixture.kafka.results(),
                fixture.kafka.deadLetters());
        log.info("{}", tally);
        assertThat(tally.exactlyOnce()).as(tally.toString()).isTrue();
        List<tools.jackson.databind.JsonNode> results = fixture.kafka.results();
        java.util.Set<String> computed = results.stream().filter(r -> !r.path("cache").path("hit").asBoolean(false))
                .map(r -> r.path("request_id").asString()).collect(java.util.stream.Collectors.toSet());
        java.util.Set<String> stored = fixture.kafka.records(fixture.topics.cache()).stream()
                .map(r -> dev.dmap.schemas.MessageCodec.mapper().readTree(r.value()).path("request_id").asString())
                .collect(java.util.stream.Collectors.toSet());
        long hits = results.size() - computed.size();
        log.info("{} computed, {} answered from the cache, {} entries", computed.size(), hits, stored.size());
        assertThat(stored).as("every computed result has its entry, every entry its result").isEqualTo(computed);
        assertThat(hits).as("repeats of requests served before them").isPositive();
    }

    @Test
    void shouldEndEveryRequestOnceWhenAWorkerIsKilledDuringAModelLoad() throws Exception {
        fixture = new WorkerFixture(TestBroker.bootstrapServers(), 0.01);
        for (int i = 0; i < 2; i++) {
            // loads take about 2 s: long enough to kill a worker while one is under way
            gpus.add(LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(1.0)
                    .requestOverhead(Duration.ofMillis(10)).decodeTokensPerSecond(10_000)
                    .loadOverhead(Duration.ofSeconds(2)).loadBytesPerSecond(200e9).build()));
        }
        sent = new Workload(MODELS).publish(fixture.kafka, "load-kill", TOTAL);
        Process first = start(0);
        start(1);
        File log0 = new File("target/two-worker-crash-0-0.log");
        // kill it while one of its loads is under way (each takes about 2 s)
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> count(log0, "Loading model") > count(log0, "Loaded model"));
        first.destroyForcibly();
        first.waitFor();
        start(0);

        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> tally().lost() == 0);
        Tally tally = Tally.of("two workers, one SIGKILLed during a model load", sent, fixture.kafka.results(),
                fixture.kafka.deadLetters());
        log.info("{}", tally);
        assertThat(tally.exactlyOnce()).as(tally.toString()).isTrue();
        assertThat(tally.deadLetters()).as(tally.toString()).isZero();
    }

    private static long count(File log, String text) throws java.io.IOException {
        if (!log.exists()) {
            return 0;
        }
        return java.nio.file.Files.readAllLines(log.toPath()).stream().filter(line -> line.contains(text)).count();
    }

    private Tally tally() {
        return Tally.of("two workers, three SIGKILLs", sent, fixture.kafka.results(), fixture.kafka.deadLetters());
    }

    private Process start(int worker) throws Exception {
        Process process = WorkerProcess.start("crash-" + worker, TestBroker.bootstrapServers(), fixture,
                gpus.get(worker).baseUrl(), new File("target/two-worker-crash-" + worker + "-" + processes.size() + ".log"),
                "--dmap.batches.tracker=false");
        processes.add(process);
        return process;
    }
}
