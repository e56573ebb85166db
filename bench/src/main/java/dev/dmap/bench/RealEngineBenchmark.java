package dev.dmap.bench;

import dev.dmap.devkit.engine.LlamaServer;
import dev.dmap.devkit.net.FreePorts;
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
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * dmap on a real engine (llama.cpp's llama-server, tiny generated models), each comparison in one run:
 * (i) throughput through Kafka and a worker against a plain HTTP client with the same concurrency and
 * the same requests, on one single-model server; (ii) three models interleaved on a router that holds
 * one model ({@code --models-max 1}), dmap against the same requests sent in arrival order straight to
 * the router, which swaps on demand. Every request generates exactly {@code max_tokens}
 * ({@code ignore_eos}), so both paths do the same work.
 */
public final class RealEngineBenchmark {
    static final String CHAT = "/v1/chat/completions";
    private static final String SPAWN = "spawning server instance with name=";

    /** One request: its model and its body, the same on both paths. */
    record Call(String model, String body) {
    }

    /** One way of serving one comparison's requests. */
    record Row(String comparison, String path, int requests, Duration makespan, long loads, int failed) {
        double perSecond() {
            return requests / (makespan.toNanos() / 1e9);
        }
    }

    private final String bootstrapServers;
    private final PrintWriter progress;
    private final int requests;

    public RealEngineBenchmark(String bootstrapServers, PrintWriter progress, int requests) {
        this.bootstrapServers = bootstrapServers;
        this.progress = progress;
        this.requests = requests;
    }

    public void run(Path report) throws Exception {
        if (!LlamaServer.installed()) {
            throw new IllegalStateException("the real-engine benchmark needs " + LlamaServer.installHint());
        }
        List<Row> rows = new ArrayList<>(throughput());
        rows.addAll(router());
        new RealEngineReport(requests, rows, LlamaServer.version().orElse("llama-server")).writeInto(report);
    }

    /** (i): one model, 4 slots, 4 concurrent callers against a worker whose window is the server's 4 slots. */
    private List<Row> throughput() throws Exception {
        String model = LlamaServer.SPM_64;
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            calls.add(call(model, "Throughput request " + i + ": explain why a batch of prompts needs a queue.", 32));
        }
        List<String> bodies = calls.stream().map(Call::body).toList();
        try (LlamaServer server = LlamaServer.single(model, FreePorts.next(), "--parallel", "4")) {
            // warm-up of both paths (the JVM's compiler, the server): measured runs start warm
            DirectLoad.send(server.baseUrl(), CHAT, bodies, 4);
            throughWorker(server.baseUrl(), BackendKind.AUTO, List.of(model), calls.subList(0, calls.size() / 4), "warm-up");
            // baseline, dmap, baseline again: a drift of the shared machine shows as a gap between the two baselines
            progress.printf("  (i) direct HTTP, %d requests, 4 callers...%n", requests);
            progress.flush();
            DirectLoad.Run before = DirectLoad.send(server.baseUrl(), CHAT, bodies, 4);
            progress.printf("  (i) through Kafka and a worker...%n");
            progress.flush();
            Outcomes dmap = throughWorker(server.baseUrl(), BackendKind.AUTO, List.of(model), calls, "i");
            progress.printf("  (i) through Kafka and a worker that does not count tokens (kind openai)...%n");
            progress.flush();
            Outcomes plain = throughWorker(server.baseUrl(), BackendKind.OPENAI, List.of(model), calls, "i-openai");
            progress.printf("  (i) direct HTTP again...%n");
            progress.flush();
            DirectLoad.Run after = DirectLoad.send(server.baseUrl(), CHAT, bodies, 4);
            return List.of(new Row("throughput", "HTTP client, 4 callers (baseline, before)", requests, before.took(), 0,
                            before.failed()),
                    new Row("throughput", "Kafka + dmap worker (exactly-once, window = 4 slots)", requests, dmap.workSpan(), 0,
                            dmap.deadLetters()),
                    new Row("throughput", "HTTP client, 4 callers (baseline, after)", requests, after.took(), 0, after.failed()),
                    new Row("throughput", "Kafka + dmap worker, kind openai (estimated tokens, slots 4 configured)", requests,
                            plain.workSpan(), 0, plain.deadLetters()));
        }
    }

    /** (ii): three models interleaved one by one, a router with room for one, 2 slots per model. */
    private List<Row> router() throws Exception {
        List<Call> calls = routerCalls(Math.max(1, requests / 10));
        List<String> bodies = calls.stream().map(Call::body).toList();
        int port = FreePorts.next();
        Row direct;
        try (LlamaServer server = LlamaServer.router(1, port, "--parallel", "2")) {
            long before = spawns(server.log());
            progress.printf("  (ii) direct to the router, %d requests over 3 models, 2 callers...%n", bodies.size());
            progress.flush();
            DirectLoad.Run run = DirectLoad.send(server.baseUrl(), CHAT, bodies, 2);
            direct = new Row("router", "HTTP client in arrival order, 2 callers (router swaps on demand)", bodies.size(),
                    run.took(), spawns(server.log()) - before, run.failed());
        }
        Row sorted;
        try (LlamaServer server = LlamaServer.router(1, port, "--parallel", "2")) {
            long before = spawns(server.log());
            progress.printf("  (ii) sort-by-model script to the router, one model after the other, 2 callers...%n");
            progress.flush();
            DirectLoad.Run run = sortByModel(server.baseUrl(), calls);
            sorted = new Row("router", "sort-by-model script, one model after the other, 2 callers", bodies.size(),
                    run.took(), spawns(server.log()) - before, run.failed());
        }
        try (LlamaServer server = LlamaServer.router(1, port, "--parallel", "2")) {
            long before = spawns(server.log());
            progress.printf("  (ii) through Kafka and a worker...%n");
            progress.flush();
            Outcomes dmap = throughWorker(server.baseUrl(), BackendKind.AUTO, LlamaServer.MODELS, calls, "ii");
            return List.of(direct, new Row("router", "Kafka + dmap worker (affinity)", bodies.size(), dmap.makespan(),
                    spawns(server.log()) - before, dmap.deadLetters()), sorted);
        }
    }

    /** The router comparison's requests: the three models interleaved one request at a time, 16 tokens each. */
    static List<Call> routerCalls(int perModel) {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < perModel; i++) {
            for (String model : LlamaServer.MODELS) {
                calls.add(call(model, "Router request " + i + " for " + model + ".", 16));
            }
        }
        return calls;
    }

    /**
     * A careful user's script on a router: the requests sorted by model, one model after the other,
     * 2 callers (the router loads each model on its first request).
     */
    static DirectLoad.Run sortByModel(URI router, List<Call> calls) throws Exception {
        long started = System.nanoTime();
        int failed = 0;
        for (String model : LlamaServer.MODELS) {
            failed += DirectLoad.send(router, CHAT, calls.stream().filter(call -> call.model().equals(model))
                    .map(Call::body).toList(), 2).failed();
        }
        return new DirectLoad.Run(Duration.ofNanos(System.nanoTime() - started), failed);
    }

    Outcomes throughWorker(URI server, BackendKind kind, List<String> models, List<Call> calls, String run)
            throws Exception {
        Topics topics = new Topics("real-" + run + "-" + Long.toHexString(System.nanoTime()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            new TopicProvisioner(admin, topics).ensureAll(models);
        }
        publish(topics, calls);
        KafkaSettings kafka = new KafkaSettings(bootstrapServers, topics.prefix() + "-workers", Duration.ofMillis(20),
                Duration.ofMillis(200), 1000, Duration.ofSeconds(1), Duration.ofSeconds(10), Map.of());
        // no unload cooldown: it guards GPU drivers, and this engine runs on the CPU
        BackendSettings backend = BackendSettings.defaults(server).withUnloadCooldown(Duration.ZERO).withKind(kind);
        WorkerConfig config = new WorkerConfig("real-engine-worker", topics, kafka, backend, RetrySettings.defaults(),
                SchedulingSettings.defaults(), DeliverySettings.defaults(), BatchSettings.withoutTracker(),
                WorkerConfig.DEFAULT_MAX_REQUEST_BYTES);
        try (Worker worker = Worker.start(config, new SimpleMeterRegistry())) {
            return Outcomes.await(bootstrapServers, topics, calls.size(), Duration.ofMinutes(10), progress);
        }
    }

    private void publish(Topics topics, List<Call> calls) {
        // one request in flight: with more, a send to a partition created a moment ago can be overtaken and then
        // retried forever as out of order, and lost at its delivery timeout (KAFKA-15591), as dmap submit knows
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (int i = 0; i < calls.size(); i++) {
                String id = "rq-" + i;
                String line = "{\"custom_id\":\"" + id + "\",\"method\":\"POST\",\"url\":\"" + CHAT + "\",\"body\":"
                        + calls.get(i).body() + "}";
                producer.send(new ProducerRecord<>(topics.requests(calls.get(i).model()), id.getBytes(StandardCharsets.UTF_8),
                        line.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    static Call call(String model, String content, int maxTokens) {
        return new Call(model, "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens + ",\"temperature\":0,\"ignore_eos\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}");
    }

    /** A chat of a system prompt and a question. */
    static Call call(String model, String system, String question, int maxTokens) {
        return new Call(model, "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens + ",\"temperature\":0,\"ignore_eos\":true,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"" + system + "\"},{\"role\":\"user\",\"content\":\""
                + question + "\"}]}");
    }

    /** Model instances the router started so far: one per load. */
    private static long spawns(Path log) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        try (var lines = Files.lines(log)) {
            return lines.filter(line -> line.contains(SPAWN)).count();
        }
    }
}
