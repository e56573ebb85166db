package dev.dmap.bench;

import dev.dmap.devkit.emulator.EmulatedModel;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Limits;
import dev.dmap.schemas.TopicProvisioner;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs one scenario with one strategy on a shared local broker: one emulated GPU per worker,
 * the requests published as producers would, the workers started, outcomes read back.
 */
final class BenchRunner {
    private static final Duration GIVE_UP = Duration.ofMinutes(30);
    private static final long GPU_MEMORY = 4_000_000_000L;

    private final String bootstrapServers;
    private final java.io.PrintWriter progress;

    BenchRunner(String bootstrapServers, java.io.PrintWriter progress) {
        this.bootstrapServers = bootstrapServers;
        this.progress = progress;
    }

    RunResult run(Scenario scenario, SchedulingSettings.Strategy strategy) throws Exception {
        String name = strategy.name().toLowerCase(java.util.Locale.ROOT);
        Topics topics = new Topics("bench-" + scenario.name() + "-" + name + "-" + Long.toHexString(System.nanoTime()));
        List<LmStudioEmulator> gpus = new ArrayList<>();
        List<Worker> workers = new ArrayList<>();
        Map<String, Instant> submitted = new HashMap<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
                KafkaProducer<byte[], byte[]> producer = producer()) {
            new TopicProvisioner(admin, topics, requestPartitions(), Limits.DEFAULT_MAX_REQUEST_BYTES).ensureAll(scenario.models());
            for (int i = 0; i < scenario.workers(); i++) {
                gpus.add(LmStudioEmulator.start(emulator(scenario)));
            }
            List<Scenario.PlannedRequest> later = new ArrayList<>();
            for (Scenario.PlannedRequest request : scenario.requests()) {
                if (request.at().isZero()) {
                    publish(producer, topics, request, scenario.timings().maxTokens(), submitted);
                } else {
                    later.add(request);
                }
            }
            producer.flush();
            progress.printf("  %s: %d requests published, starting %d worker(s)%n", name, submitted.size(), scenario.workers());
            progress.flush();
            for (int i = 0; i < scenario.workers(); i++) {
                workers.add(Worker.start(workerConfig(scenario, strategy, topics, "gpu-" + (i + 1), gpus.get(i)),
                        new SimpleMeterRegistry()));
            }
            awaitGroup(admin, topics.prefix() + "-workers", scenario.workers());
            Instant ready = Instant.now();
            for (Scenario.PlannedRequest request : later) {
                trickle.schedule(() -> publish(producer, topics, request, scenario.timings().maxTokens(), submitted),
                        scenario.scaled(request.at()).toNanos(), TimeUnit.NANOSECONDS);
            }
            Outcomes outcomes = Outcomes.await(bootstrapServers, topics, scenario.requests().size(), GIVE_UP, progress);
            Map<String, Integer> loads = new HashMap<>();
            for (int i = 0; i < gpus.size(); i++) {
                loads.put("gpu-" + (i + 1), gpus.get(i).stats().totalLoads());
            }
            return new RunResult(name, outcomes.measurements(submitted), loads, ready, outcomes.deadLetters());
        } finally {
            trickle.shutdownNow();
            workers.forEach(Worker::close);
            gpus.forEach(LmStudioEmulator::close);
        }
    }

    /** Waits until every worker has joined the group and holds partitions: the fleet is ready. */
    private static void awaitGroup(Admin admin, String groupId, int members) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            ConsumerGroupDescription group;
            try {
                group = admin.describeConsumerGroups(List.of(groupId)).all().get(10, TimeUnit.SECONDS).get(groupId);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
                Thread.sleep(50); // no worker has joined yet: the group does not exist until the first one does
                continue;
            }
            long holding = group.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
            if (group.members().size() == members && holding >= Math.min(members, 1)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the workers did not form group " + groupId + " within 60 s");
    }

    private static void publish(KafkaProducer<byte[], byte[]> producer, Topics topics, Scenario.PlannedRequest request,
            int maxTokens, Map<String, Instant> submitted) {
        Instant now = Instant.now();
        synchronized (submitted) {
            submitted.put(request.customId(), now);
        }
        ObjectNode line = MessageCodec.mapper().createObjectNode();
        line.put("custom_id", request.customId()).put("method", "POST").put("url", "/v1/chat/completions")
                .put("submitted_at", now.toString());
        if (request.batchId() != null) {
            line.put("batch_id", request.batchId());
        }
        line.set("body", body(request, maxTokens));
        producer.send(new ProducerRecord<>(topics.requests(request.model()),
                request.customId().getBytes(StandardCharsets.UTF_8), MessageCodec.encode(line)));
    }

    /** A request's chat body, the same whether dmap or a script sends it. */
    static ObjectNode body(Scenario.PlannedRequest request, int maxTokens) {
        ObjectNode body = MessageCodec.mapper().createObjectNode();
        body.put("model", request.model()).put("max_tokens", maxTokens);
        body.putArray("messages").addObject().put("role", "user")
                .put("content", "Benchmark request " + request.customId() + ": summarise why batching matters.");
        return body;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }

    /**
     * Extra Kafka client properties for the workers, from {@code DMAP_BENCH_KAFKA_PROPS}
     * ({@code key=value,key=value}): to run a scenario against a baseline setting, e.g. Kafka's
     * default heartbeat ({@code heartbeat.interval.ms=3000}).
     */
    static Map<String, String> extraClientProperties() {
        String spec = System.getenv("DMAP_BENCH_KAFKA_PROPS");
        Map<String, String> properties = new HashMap<>();
        if (spec != null && !spec.isBlank()) {
            for (String pair : spec.split(",")) {
                int equals = pair.indexOf('=');
                if (equals < 1) {
                    throw new IllegalArgumentException("DMAP_BENCH_KAFKA_PROPS: expected key=value, got '" + pair + "'");
                }
                properties.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
            }
        }
        return properties;
    }

    /**
     * Partitions of the scenario's request topics: dmap's default, or {@code DMAP_BENCH_REQUEST_PARTITIONS}
     * to run a scenario against another count (a worker raises a topic to dmap's default, never lowers it).
     */
    static int requestPartitions() {
        String spec = System.getenv("DMAP_BENCH_REQUEST_PARTITIONS");
        return spec == null || spec.isBlank() ? TopicProvisioner.REQUEST_PARTITIONS : Integer.parseInt(spec.strip());
    }

    /** The emulated GPU of a scenario, the same for every way of running it. */
    static EmulatorConfig emulator(Scenario scenario) {
        Scenario.Timings t = scenario.timings();
        long size = 3_000_000_000L; // one model fits the GPU's 4 GB, two do not
        double loadBytesPerSecond = size * 1000.0 / t.load().toMillis();
        List<EmulatedModel> catalogue = scenario.models().stream()
                .map(model -> EmulatedModel.llm(model, size, 32768)).toList();
        return EmulatorConfig.builder().port(0).models(catalogue).memoryBudgetBytes(GPU_MEMORY)
                .loadBytesPerSecond(loadBytesPerSecond).loadOverhead(Duration.ZERO).parallelSlots(t.slots())
                .requestOverhead(t.overhead()).prefillTokensPerSecond(t.prefillTps()).decodeTokensPerSecond(t.decodeTps())
                .timeScale(scenario.timeScale()).build();
    }

    private WorkerConfig workerConfig(Scenario scenario, SchedulingSettings.Strategy strategy, Topics topics,
            String workerId, LmStudioEmulator gpu) {
        KafkaSettings kafka = new KafkaSettings(bootstrapServers, topics.prefix() + "-workers", Duration.ofMillis(20),
                Duration.ofMillis(200), 200, Duration.ofSeconds(1), Duration.ofSeconds(10), extraClientProperties());
        BackendSettings backend = new BackendSettings(gpu.baseUrl(), null, Duration.ofSeconds(5), Duration.ofMinutes(2),
                Duration.ofMinutes(2), scenario.scaled(scenario.timings().cooldown()), 1, 0, scenario.timings().slots(), 0,
                Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(30), BackendSettings.DEFAULT_LOAD_FAILURE_MEMORY, BackendKind.LMSTUDIO);
        // the drain grace covers Kafka's fetch latency, which is real time: it is not scaled
        SchedulingSettings scheduling = new SchedulingSettings(strategy, scenario.scaled(scenario.maxWait()),
                scenario.scaled(scenario.minHold()), SchedulingSettings.DEFAULT_PREFETCH, scenario.loadCost(),
                SchedulingSettings.DEFAULT_DRAIN_GRACE, scenario.scaled(SchedulingSettings.DEFAULT_BATCH_WINDOW));
        return new WorkerConfig(workerId, topics, kafka, backend, RetrySettings.defaults(), scheduling,
                DeliverySettings.defaults(), BatchSettings.withoutTracker(), WorkerConfig.DEFAULT_MAX_REQUEST_BYTES);
    }

}
