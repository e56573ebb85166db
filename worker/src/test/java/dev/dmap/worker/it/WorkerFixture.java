package dev.dmap.worker.it;

import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.BackendKind;
import dev.dmap.worker.config.BackendSettings;
import dev.dmap.worker.config.BatchSettings;
import dev.dmap.worker.config.DeliverySettings;
import dev.dmap.worker.config.KafkaSettings;
import dev.dmap.worker.config.RetrySettings;
import dev.dmap.worker.config.SchedulingSettings;
import dev.dmap.worker.config.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One test's world: its own topic prefix and consumer group on the shared broker, its own LM
 * Studio emulator (time scaled down), and the workers it starts. Close it after the test.
 */
public final class WorkerFixture implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    public final String bootstrapServers;
    public final Topics topics;
    public final LmStudioEmulator emulator;
    public final TestKafka kafka;
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Worker> workers = new ArrayList<>();

    public WorkerFixture(String bootstrapServers, double timeScale) {
        this.bootstrapServers = bootstrapServers;
        this.topics = new Topics("it" + COUNTER.incrementAndGet() + "x" + Long.toHexString(System.nanoTime() & 0xffff));
        this.emulator = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(timeScale).build());
        this.kafka = new TestKafka(bootstrapServers, topics);
    }

    /** Fast settings: short backoffs, cooldown and probe intervals, so failures resolve in milliseconds. */
    public WorkerConfig config(String workerId) {
        return config(workerId, emulator.baseUrl(), Map.of());
    }

    /** {@link #config(String)} against another backend, with extra Kafka client properties (shorter timeouts). */
    public WorkerConfig config(String workerId, URI backendUrl, Map<String, String> clientProperties) {
        KafkaSettings kafkaSettings = new KafkaSettings(bootstrapServers, topics.prefix() + "-workers",
                Duration.ofMillis(20), Duration.ofMillis(100), 200, Duration.ofSeconds(1), Duration.ofSeconds(10),
                clientProperties);
        BackendSettings backend = new BackendSettings(backendUrl, null, Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofMillis(10), 1, 0, 4, 0, Duration.ofMillis(50), Duration.ofMillis(400),
                Duration.ofSeconds(5), BackendSettings.DEFAULT_LOAD_FAILURE_MEMORY, BackendKind.AUTO);
        RetrySettings retry = new RetrySettings(4, Duration.ofMillis(10), 2.0, Duration.ofMillis(100), 0.5);
        return new WorkerConfig(workerId, topics, kafkaSettings, backend, retry, SchedulingSettings.defaults(),
                DeliverySettings.defaults(), BatchSettings.withoutTracker(), WorkerConfig.DEFAULT_MAX_REQUEST_BYTES);
    }

    public Worker startWorker(String workerId) {
        return startWorker(config(workerId));
    }

    public Worker startWorker(WorkerConfig config) {
        Worker worker = Worker.start(config, registry);
        workers.add(worker);
        return worker;
    }

    /** Waits until {@code members} workers are in this fixture's group, each holding partitions. */
    public void awaitWorkersHoldingPartitions(int members) {
        String groupId = topics.prefix() + "-workers";
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                var group = admin.describeConsumerGroups(List.of(groupId)).all()
                        .get(10, java.util.concurrent.TimeUnit.SECONDS).get(groupId);
                return group.members().size() == members
                        && group.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
            });
        }
    }

    public URI backendUrl() {
        return emulator.baseUrl();
    }

    @Override
    public void close() {
        workers.forEach(Worker::close);
        kafka.close();
        emulator.close();
    }
}
