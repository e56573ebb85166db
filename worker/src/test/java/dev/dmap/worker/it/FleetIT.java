package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.worker.config.WorkerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Two workers, each with its own GPU (emulator), three models: the assignor keeps each model on one worker. */
class FleetIT {
    private static final List<String> MODELS = List.of("qwen2.5-7b-instruct", "meta-llama-3.1-8b-instruct",
            "mistral-7b-instruct-v0.3");

    private WorkerFixture fixture;
    private LmStudioEmulator secondGpu;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
        if (secondGpu != null) {
            secondGpu.close();
        }
    }

    @Test
    void shouldKeepEachModelOnOneWorkerAndLoadEachModelOnce() throws Exception {
        fixture = new WorkerFixture(TestBroker.bootstrapServers(), 0.01);
        secondGpu = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(0.01).build());
        fixture.kafka.createRequestTopics(Set.copyOf(MODELS), dev.dmap.schemas.TopicProvisioner.REQUEST_PARTITIONS);
        fixture.startWorker("w1");
        WorkerConfig second = fixture.config("w2");
        fixture.startWorker(second.withBackend(second.backend().withBaseUrl(secondGpu.baseUrl())));
        fixture.awaitWorkersHoldingPartitions(2);

        for (int i = 0; i < 20; i++) {
            for (String model : MODELS) {
                fixture.kafka.publishAsync(model, model + "-" + i, TestKafka.chatRequest(model + "-" + i, model, "Request " + i, 32));
            }
        }
        fixture.kafka.flush();

        await().atMost(Duration.ofSeconds(90)).until(() -> WorkerScenarios.requestIds(fixture.kafka.results()).size() == 60);
        Map<String, Set<String>> workersByModel = fixture.kafka.results().stream().collect(Collectors.groupingBy(
                (JsonNode r) -> r.path("model").asString(), Collectors.mapping(r -> r.path("worker").asString(), Collectors.toSet())));
        assertThat(workersByModel).hasSize(3);
        assertThat(workersByModel.values()).allSatisfy(workers -> assertThat(workers).hasSize(1));
        assertThat(workersByModel.values().stream().flatMap(Set::stream).collect(Collectors.toSet())).containsExactlyInAnyOrder("w1", "w2");
        int loads = fixture.emulator.stats().totalLoads() + secondGpu.stats().totalLoads();
        assertThat(loads).isLessThanOrEqualTo(MODELS.size());
        assertThat(fixture.kafka.deadLetters()).isEmpty();
    }
}
