package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two workers, each with its own emulated LM Studio, share 2,000 requests over three models
 * while the backends misbehave the ways real ones do. Each test counts, with its own
 * read_committed reader, results, dead letters by code, lost and duplicated requests.
 */
class BackendFaultsIT {
    private static final Logger log = LoggerFactory.getLogger(BackendFaultsIT.class);
    private static final int TOTAL = 2_000;
    private static final List<String> MODELS = List.of(WorkerScenarios.QWEN, WorkerScenarios.LLAMA, WorkerScenarios.MISTRAL);

    private final List<LmStudioEmulator> gpus = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    private WorkerFixture fixture;
    private List<String> sent;

    @BeforeEach
    void setUp() {
        fixture = new WorkerFixture(TestBroker.bootstrapServers(), 0.01);
        for (int i = 0; i < 2; i++) {
            gpus.add(LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(1.0)
                    .requestOverhead(Duration.ofMillis(10)).decodeTokensPerSecond(10_000)
                    .loadOverhead(Duration.ofMillis(20)).loadBytesPerSecond(200e9).build()));
        }
    }

    @AfterEach
    void cleanUp() {
        workers.forEach(Worker::close);
        fixture.close();
        gpus.forEach(LmStudioEmulator::close);
    }

    @Test
    void shouldDeadLetterNothingWhenTheBackendsAreDownForAMinute() throws Exception {
        start();
        awaitResults(TOTAL / 4);
        gpus.forEach(LmStudioEmulator::crash);
        // the fault itself: LM Studio stays away this long, and no worker gives up meanwhile
        await().during(Duration.ofMinutes(1)).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> workers.stream().allMatch(worker -> worker.failure() == null));
        gpus.forEach(LmStudioEmulator::restart);

        Tally tally = awaitAll("two workers, both backends down 60 s");
        assertThat(tally.exactlyOnce()).as(tally.toString()).isTrue();
        assertThat(tally.deadLetters()).as(tally.toString()).isZero();
    }

    @Test
    void shouldServeEveryValidRequestWhenTheBackendsRestartWithNothingLoaded() throws Exception {
        start();
        for (int threshold : List.of(TOTAL / 4, TOTAL / 2)) {
            awaitResults(threshold);
            gpus.forEach(LmStudioEmulator::restart); // listens again at once, every model unloaded
        }

        Tally tally = awaitAll("two workers, backends restarted twice with nothing loaded");
        assertThat(tally.exactlyOnce()).as(tally.toString()).isTrue();
        assertThat(tally.deadLetters()).as(tally.toString()).isZero();
    }

    @Test
    void shouldEndEveryRequestOnceWhenTheBackendsFailAFifthOfCallsAndDropConnections() throws Exception {
        gpus.forEach(gpu -> gpu.faults().serverErrorRate(0.20).dropRate(0.05));
        start();

        Tally tally = awaitAll("two workers, backends failing 20 % of calls and dropping 5 %");
        assertThat(tally.exactlyOnce()).as(tally.toString()).isTrue();
        assertThat(tally.deadLettersByCode().keySet()).as(tally.toString()).isSubsetOf("retries_exhausted");
    }

    @Test
    void shouldEndTheRequestsOfAModelThatCannotLoadAndServeTheOthers() throws Exception {
        gpus.forEach(gpu -> gpu.faults().failLoads(WorkerScenarios.MISTRAL));
        start();

        Tally tally = awaitAll("two workers, every load of one model failing");
        assertThat(tally.exactlyOnce()).as(tally.toString()).isTrue();
        long mistral = sent.stream().filter(id -> modelOf(id).equals(WorkerScenarios.MISTRAL)).count();
        assertThat(tally.deadLettersByCode()).as(tally.toString()).containsOnlyKeys("model_load_failed");
        assertThat(tally.deadLettersByCode().get("model_load_failed")).as(tally.toString()).isEqualTo(mistral);
        assertThat(tally.results()).isEqualTo(TOTAL - (int) mistral);
        int failedLoads = gpus.stream().mapToInt(gpu -> gpu.stats().injectedFaults()).sum();
        log.info("failed loads of the failing model: {} for its {} requests", failedLoads, mistral);
    }

    private static String modelOf(String id) {
        int index = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
        return MODELS.get((index / 25) % MODELS.size());
    }

    private void start() throws Exception {
        sent = new Workload(MODELS).publish(fixture.kafka, "fault", TOTAL);
        for (int i = 0; i < gpus.size(); i++) {
            workers.add(fixture.startWorker(fixture.config("fault-" + i, gpus.get(i).baseUrl(), Map.of())));
        }
    }

    private void awaitResults(int count) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> fixture.kafka.results().size() >= count);
    }

    private Tally awaitAll(String fault) {
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> tally(fault).lost() == 0);
        Tally tally = tally(fault);
        log.info("{}", tally);
        assertThat(workers).allSatisfy(worker -> assertThat(worker.failure()).isNull());
        return tally;
    }

    private Tally tally(String fault) {
        return Tally.of(fault, sent, fixture.kafka.results(), fixture.kafka.deadLetters());
    }
}
