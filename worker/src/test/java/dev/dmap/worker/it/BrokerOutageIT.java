package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.devkit.broker.BrokerProcess;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.devkit.net.FreePorts;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.BatchSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker stopped mid-batch for longer than every client timeout the workers use (session,
 * request, delivery, transaction, api, max block, all at their defaults), then started again on
 * the same port and data folder. Two workers survive it on their
 * own, keep running, and end every request exactly once for a read_committed reader.
 */
class BrokerOutageIT {
    private static final Logger log = LoggerFactory.getLogger(BrokerOutageIT.class);
    private static final int TOTAL = 2_000;
    private static final List<String> MODELS = List.of(WorkerScenarios.QWEN, WorkerScenarios.LLAMA, WorkerScenarios.MISTRAL);
    /**
     * Longer than every client timeout the workers use, all at Kafka's defaults: request 30 s,
     * session 45 s, transaction 60 s, api and max block (dmap: 15 s), delivery 120 s.
     */
    private static final Duration OUTAGE = Duration.ofSeconds(190);

    private final List<LmStudioEmulator> gpus = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    private BrokerProcess broker;
    private WorkerFixture fixture;

    @AfterEach
    void cleanUp() {
        workers.forEach(Worker::close);
        if (fixture != null) {
            fixture.close();
        }
        gpus.forEach(LmStudioEmulator::close);
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldSurviveABrokerOutageLongerThanEveryClientTimeout() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "outage-broker-");
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        broker = startBroker(port, controllerPort, data, 0);
        String bootstrap = "127.0.0.1:" + port;
        fixture = new WorkerFixture(bootstrap, 0.01);
        List<String> sent = new Workload(MODELS).publish(fixture.kafka, "outage", TOTAL);
        for (int i = 0; i < 2; i++) {
            // about 50 ms for a long generation: the batch outlasts the moment of the outage
            gpus.add(LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(1.0)
                    .requestOverhead(Duration.ofMillis(10)).decodeTokensPerSecond(10_000)
                    .loadOverhead(Duration.ofMillis(20)).loadBytesPerSecond(200e9).build()));
            // with the batch tracker (Kafka Streams), which must survive the outage too
            workers.add(fixture.startWorker(fixture.config("outage-" + i, gpus.get(i).baseUrl(), Map.of())
                    .withBatches(new BatchSettings(true, data.resolve("streams"), BatchSettings.DEFAULT_RETENTION))));
        }

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> fixture.kafka.results().size() >= TOTAL / 4);
        Map<String, Integer> warnings;
        try (ShippedLogLines shipped = ShippedLogLines.record()) {
            broker.stop(); // SIGTERM: a clean stop, as for an upgrade
            log.info("Broker stopped; restarting it in {}", OUTAGE);
            // the fault itself: the broker stays away this long, and no worker gives up meanwhile
            await().during(OUTAGE).atMost(OUTAGE.plusSeconds(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> workers.stream().allMatch(worker -> worker.failure() == null));
            broker = startBroker(port, controllerPort, data, 1);
            warnings = shipped.warningsByLogger();
            log.info("What the two workers logged at WARN and above during the outage, by logger: {}", warnings);
            log.info("Every line they logged during the outage:\n{}", String.join("\n", shipped.lines()));
        }

        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Tally.of("", sent, fixture.kafka.results(), fixture.kafka.deadLetters()).lost() == 0);
        Tally tally = Tally.of("two workers, broker down " + OUTAGE.toSeconds() + " s", sent, fixture.kafka.results(),
                fixture.kafka.deadLetters());
        log.info("{}", tally);
        assertThat(tally.exactlyOnce()).as(tally.toString()).isTrue();
        assertThat(tally.deadLetters()).as(tally.toString()).isZero();
        assertThat(workers).allSatisfy(worker -> {
            assertThat(worker.failure()).isNull();
            assertThat(worker.status().running()).isTrue();
        });
        // quiet: an outage is said when it starts and about once a minute while it lasts, not per reconnect
        assertThat(warnings.get("dev.dmap.worker.kafka.BrokerWatch")).as("%s", warnings).isBetween(2, 2 * 5);
        assertThat(warnings.values().stream().mapToInt(Integer::intValue).sum()).as("%s", warnings)
                .isLessThanOrEqualTo(2 * 20);
    }

    private static BrokerProcess startBroker(int port, int controllerPort, Path data, int generation) throws Exception {
        return BrokerProcess.start(port, controllerPort, data, Path.of("target/outage-broker-" + generation + ".log"));
    }
}
