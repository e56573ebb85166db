package dev.dmap.bench;

import dev.dmap.schemas.MessageCodec;
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
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code dmap bench window}: a plain OpenAI-compatible server that reports no slots and whose
 * throughput peaks at a concurrency it does not tell ({@link HiddenLimitServer}); a sweep of fixed
 * windows finds the best one, then the worker's window search runs from the default start (4) with
 * the default ceiling (64), side by side in one run.
 */
final class WindowBenchmark {
    static final List<Integer> SWEEP = List.of(4, 8, 10, 12, 14, 16, 24);
    static final double SINGLE = 20;
    static final int PEAK = 12;
    static final Duration SAMPLE = Duration.ofSeconds(5);

    private final String bootstrapServers;
    private final PrintWriter progress;
    private final int requests;

    /**
     * One run: its window (0 for the search), requests, seconds from the first call's start to the last
     * outcome, and the server's mean calls in flight in each {@link #SAMPLE} of it.
     */
    record Run(String name, int window, int requests, double seconds, List<Double> inFlight) {
        double throughput() {
            return requests / seconds;
        }
    }

    WindowBenchmark(String bootstrapServers, PrintWriter progress, int requests) {
        this.bootstrapServers = bootstrapServers;
        this.progress = progress;
        this.requests = requests;
    }

    void run(Path report) throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int window : SWEEP) {
            runs.add(once("fixed-" + window, window, Math.max(1_000, requests / 4)));
        }
        runs.add(once("search", 0, requests));
        new WindowReport(requests, runs).writeInto(report);
    }

    private Run once(String name, int window, int count) throws Exception {
        Topics topics = new Topics("bench-window-" + name + "-" + Long.toHexString(System.nanoTime()));
        try (HiddenLimitServer server = new HiddenLimitServer(SINGLE, PEAK);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            new TopicProvisioner(admin, topics).ensureAll(List.of(HiddenLimitServer.MODEL));
            publish(topics, count);
            server.meanInFlight();
            List<Double> inFlight = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> inFlight.add(server.meanInFlight()), SAMPLE.toMillis(), SAMPLE.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            try (Worker worker = Worker.start(config(topics, server, window), new SimpleMeterRegistry())) {
                Outcomes outcomes = Outcomes.await(bootstrapServers, topics, count, Duration.ofMinutes(30), progress);
                sampler.shutdownNow();
                double seconds = outcomes.workSpan().toNanos() / 1e9; // the worker's start-up left out: runs differ in size
                Run run = new Run(name, window, count, seconds, List.copyOf(inFlight));
                progress.printf("  window %s: %,d requests in %.1f s, %.1f/s%n", name, count, seconds, run.throughput());
                progress.flush();
                return run;
            } finally {
                sampler.shutdownNow();
            }
        }
    }

    private void publish(Topics topics, int count) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 10,
                // one batch in flight: a new topic's first batches, retried while its leader is elected, stay in order
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (int i = 0; i < count; i++) {
                String id = "w-" + i;
                ObjectNode line = MessageCodec.mapper().createObjectNode();
                line.put("custom_id", id).put("method", "POST").put("url", "/v1/chat/completions");
                ObjectNode body = line.putObject("body").put("model", HiddenLimitServer.MODEL).put("max_tokens", 4);
                body.putArray("messages").addObject().put("role", "user").put("content", "Window request " + id);
                producer.send(new ProducerRecord<>(topics.requests(HiddenLimitServer.MODEL), id.getBytes(StandardCharsets.UTF_8),
                        MessageCodec.encode(line)));
            }
        }
    }

    /** A fixed window is the configured slots with no search; the search starts at the default slots. */
    private WorkerConfig config(Topics topics, HiddenLimitServer server, int window) {
        KafkaSettings kafka = new KafkaSettings(bootstrapServers, topics.prefix() + "-workers", Duration.ofMillis(20),
                Duration.ofMillis(200), 200, Duration.ofSeconds(1), Duration.ofSeconds(10), Map.of());
        BackendSettings backend = new BackendSettings(server.baseUrl(), null, Duration.ofSeconds(5), Duration.ofMinutes(2),
                Duration.ofMinutes(2), Duration.ZERO, 1, window, BackendSettings.DEFAULT_SLOTS, 0, Duration.ofMillis(200),
                Duration.ofSeconds(2), Duration.ofSeconds(30), BackendSettings.DEFAULT_LOAD_FAILURE_MEMORY, BackendKind.OPENAI,
                window == 0 ? BackendSettings.DEFAULT_MAX_WINDOW : 0);
        return new WorkerConfig("window-" + window, topics, kafka, backend, RetrySettings.defaults(), SchedulingSettings.defaults(),
                DeliverySettings.defaults(), BatchSettings.withoutTracker(), WorkerConfig.DEFAULT_MAX_REQUEST_BYTES);
    }
}
