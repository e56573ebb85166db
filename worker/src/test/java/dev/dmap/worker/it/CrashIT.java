package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The worker, in its own JVM, killed with SIGKILL three times in the middle of a batch and
 * restarted each time: with exactly-once delivery, every request ends with exactly one result or
 * dead letter for a read_committed reader. Nothing lost, nothing duplicated.
 */
class CrashIT {
    private static final int TOTAL = 500;
    private static final List<String> MODELS = List.of("qwen2.5-7b-instruct", "mistral-7b-instruct-v0.3");

    private final List<Process> processes = new ArrayList<>();
    private WorkerFixture fixture;
    private LmStudioEmulator gpu;

    @AfterEach
    void cleanUp() {
        processes.forEach(Process::destroyForcibly);
        if (fixture != null) {
            fixture.close();
        }
        if (gpu != null) {
            gpu.close();
        }
    }

    @Test
    void shouldEndEveryRequestExactlyOnceAcrossThreeKills() throws Exception {
        fixture = new WorkerFixture(TestBroker.bootstrapServers(), 0.01);
        // about 120 ms a request and 4 slots: the batch takes long enough to be killed three times
        gpu = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(1.0).requestOverhead(Duration.ofMillis(100))
                .decodeTokensPerSecond(400).loadOverhead(Duration.ZERO).loadBytesPerSecond(50e9).build());
        fixture.kafka.createRequestTopics(Set.copyOf(MODELS), 3);
        for (int i = 0; i < TOTAL; i++) {
            String model = MODELS.get((i / 50) % MODELS.size());
            fixture.kafka.publishAsync(model, "c-" + i, TestKafka.chatRequest("c-" + i, model, "Crash test " + i, 16));
        }
        fixture.kafka.flush();

        for (int threshold : List.of(60, 200, 340)) {
            Process worker = startWorker(processes.size());
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> fixture.kafka.results().size() >= threshold);
            worker.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, an open transaction left behind
            worker.waitFor();
        }
        startWorker(processes.size());

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> WorkerScenarios.requestIds(terminalRecords()).size() >= TOTAL);
        Map<String, Long> perRequest = terminalRecords().stream()
                .collect(Collectors.groupingBy(r -> r.path("request_id").asString(), Collectors.counting()));
        assertThat(perRequest).hasSize(TOTAL);
        assertThat(perRequest.values()).as("each request's terminal record, seen once").containsOnly(1L);
        assertThat(fixture.kafka.deadLetters()).isEmpty();
    }

    private List<JsonNode> terminalRecords() {
        return Stream.concat(fixture.kafka.results().stream(), fixture.kafka.deadLetters().stream()).toList();
    }

    /** The worker service, as `./dmap worker` runs it, in a JVM of its own. */
    private Process startWorker(int generation) throws Exception {
        Process process = WorkerProcess.start("crash-worker", TestBroker.bootstrapServers(), fixture, gpu.baseUrl(),
                new File("target/crash-worker-" + generation + ".log"),
                "--dmap.delivery.mode=" + System.getProperty("dmap.crash.delivery", "exactly-once"));
        processes.add(process);
        return process;
    }
}
