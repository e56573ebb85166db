package dev.dmap.bench;

import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.gateway.app.GatewayApplication;
import dev.dmap.schemas.TopicProvisioner;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.BackendSettings;
import dev.dmap.worker.config.BatchSettings;
import dev.dmap.worker.config.DeliverySettings;
import dev.dmap.worker.config.KafkaSettings;
import dev.dmap.worker.config.RetrySettings;
import dev.dmap.worker.config.SchedulingSettings;
import dev.dmap.worker.config.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The online lane against the article's baseline, in one run on the LM Studio EMULATOR: the same
 * calls sent straight to the emulator ("Baseline (Direct LM Studio)") and through dmap (gateway,
 * Kafka, worker), alternating one by one so that the machine's drift hits both; then interactive
 * calls while a bulk batch runs on the same GPU (for its model and for another), the bulk batch's
 * makespan with and without them, and a ramp of concurrent calls to 1,000 with the heap after GC.
 */
final class OnlineBenchmark {
    /** How long calls for the bulk batch's own model run beside it, before those for another model start. */
    private static final Duration A_PHASE = Duration.ofSeconds(30);

    /** A measured latency distribution, in seconds. */
    record Spread(String what, int calls, int failed, double p50, double p95, double max) {
    }

    /** One step of the concurrency ramp. */
    /**
     * What the bulk batch took, alone and beside interactive calls, and what the interactive calls cost it: their
     * work (a slot each) and the swaps the calls for another model forced (the cooldown and the loads, measured).
     */
    record Bulk(int requests, double aloneSeconds, double besideSeconds, int interactiveA, int interactiveB, double swapSeconds,
            double interactiveWorkSeconds) {
    }

    /** The bound a call for another model should keep: the cooldown, its model's load (measured), its service, 1 s. */
    record SwitchBound(double cooldownSeconds, double loadSeconds, double serviceSeconds) {
        double seconds() {
            return cooldownSeconds + loadSeconds + serviceSeconds + 1;
        }
    }

    private final String bootstrapServers;
    private final boolean realEngine;
    private final double timeScale;
    private final PrintWriter progress;
    private final int bulkRequests;
    private final int calls;

    private OnlineTarget target;

    /** @param realEngine a llama-server router instead of the emulator */
    OnlineBenchmark(String bootstrapServers, boolean realEngine, double timeScale, PrintWriter progress, int bulkRequests,
            int calls) {
        this.bootstrapServers = bootstrapServers;
        this.realEngine = realEngine;
        this.timeScale = timeScale;
        this.progress = progress;
        this.bulkRequests = bulkRequests;
        this.calls = calls;
    }

    void run(Path report) throws Exception {
        Topics topics = new Topics("online-" + Long.toHexString(System.nanoTime()));
        Path dir = Files.createTempDirectory("dmap-bench-online-");
        try (OnlineTarget server = realEngine ? OnlineTarget.realEngine() : OnlineTarget.emulator(timeScale);
                Worker worker = Worker.start(workerConfig(topics, server), new SimpleMeterRegistry());
                ConfigurableApplicationContext gateway = GatewayApplication.start("--port", "0", "--address", "127.0.0.1",
                        "--bootstrap-servers", bootstrapServers, "--topic-prefix", topics.prefix(), "--dir",
                        dir.resolve("gateway").toString(), "--max-open-calls", "4096")) {
            target = server;
            URI direct = server.baseUrl();
            URI dmap = URI.create("http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port"));
            awaitModels(dmap);
            progress.printf("Online lane on %s; worker and gateway with their defaults%n", server.describe());
            progress.flush();
            warmUp(direct, dmap);
            List<Spread> idle = idle(direct, dmap);
            OnlineRamp.Result ramp = OnlineRamp.run(direct, dmap, i -> chat(target.modelA(), "ramp " + i, 8, false), progress);
            double alone = bulkAlone(topics);
            BesideBulk beside = besideBulk(topics, direct, dmap);
            Outcomes all = Outcomes.readAll(bootstrapServers, topics);
            long loadB = beside.otherIds.stream().map(all::result).filter(java.util.Objects::nonNull)
                    .mapToLong(r -> r.path("timing").path("load_ms").asLong()).max().orElse(0);
            double cooldown = server.cooldown().toNanos() / 1e9;
            // each call for B keeps A out for its own time, then the cooldown and A's load again (the bulk's longest wait)
            double forced = beside.otherSeconds + beside.b.calls() * (cooldown + beside.bulkLoadMillis / 1000.0);
            Bulk bulk = new Bulk(bulkRequests, alone, beside.makespan, beside.a.calls(), beside.b.calls(), forced,
                    beside.interactiveWork);
            new OnlineReport(server.describe(), realEngine, timeScale, calls, idle, beside.spreads(), ramp, bulk,
                    new SwitchBound(cooldown, loadB / 1000.0, idle.get(1).p95())).writeInto(report);
        }
    }

    private WorkerConfig workerConfig(Topics topics, OnlineTarget server) {
        KafkaSettings kafka = KafkaSettings.of(bootstrapServers, topics.prefix() + "-workers", null, null, null, null, null,
                Map.of());
        BackendSettings backend = BackendSettings.defaults(server.baseUrl()).withUnloadCooldown(server.cooldown());
        return new WorkerConfig("online-bench-worker", topics, kafka, backend, RetrySettings.defaults(),
                SchedulingSettings.defaults(), DeliverySettings.defaults(), BatchSettings.withoutTracker(),
                WorkerConfig.DEFAULT_MAX_REQUEST_BYTES);
    }

    private void awaitModels(URI dmap) throws Exception {
        for (int i = 0; i < 600; i++) {
            String models = TimedCalls.models(dmap);
            if (models.contains(target.modelA()) && models.contains(target.modelB())) {
                Thread.sleep(6_000); // the online topics exist now; the worker's subscription picks them up within seconds
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the gateway never saw the worker's models");
    }

    private void warmUp(URI direct, URI dmap) throws Exception {
        for (int i = 0; i < 30; i++) {
            TimedCalls.call(direct, chat(target.modelA(), "warm-up " + i, 16, false));
            TimedCalls.call(dmap, chat(target.modelA(), "warm-up " + i, 16, false));
            TimedCalls.call(dmap, chat(target.modelA(), "warm-up stream " + i, 16, true));
        }
    }

    /** One at a time on an idle GPU with model A loaded: direct, then dmap, alternating; then the same streaming (first token). */
    private List<Spread> idle(URI direct, URI dmap) throws Exception {
        progress.printf("  idle: %d calls per path, alternating%n", calls);
        progress.flush();
        Latencies directWhole = new Latencies();
        Latencies dmapWhole = new Latencies();
        Latencies directFirst = new Latencies();
        Latencies dmapFirst = new Latencies();
        int[] failed = new int[4];
        for (int i = 0; i < calls; i++) {
            record(directWhole, TimedCalls.call(direct, chat(target.modelA(), "idle " + i, 16, false)), failed, 0);
            record(dmapWhole, TimedCalls.call(dmap, chat(target.modelA(), "idle " + i, 16, false)), failed, 1);
            record(directFirst, TimedCalls.firstToken(direct, chat(target.modelA(), "idle stream " + i, 16, true)), failed, 2);
            record(dmapFirst, TimedCalls.firstToken(dmap, chat(target.modelA(), "idle stream " + i, 16, true)), failed, 3);
        }
        return List.of(spread("idle, direct to the server", directWhole, failed[0]),
                spread("idle, through dmap", dmapWhole, failed[1]),
                spread("idle, time to first token, direct", directFirst, failed[2]),
                spread("idle, time to first token, through dmap", dmapFirst, failed[3]));
    }

    private double bulkAlone(Topics topics) throws Exception {
        progress.printf("  bulk: %,d requests for %s alone%n", bulkRequests, target.modelA());
        progress.flush();
        publishBulk(topics, "bulk-alone");
        return Outcomes.await(bootstrapServers, topics, "bulk-alone", bulkRequests, Duration.ofHours(2), progress).makespan()
                .toNanos() / 1e9;
    }

    /** What happened beside the second bulk run. */
    private record BesideBulk(Spread a, Spread b, Spread direct, double makespan, double otherSeconds, List<String> otherIds,
            long bulkLoadMillis, double interactiveWork) {
        List<Spread> spreads() {
            return List.of(direct, a, b);
        }
    }

    /**
     * The same bulk batch again: for 30 s an interactive call for its model every second (and, for comparison, one
     * straight to the server, which queues it behind the bulk calls); then one for another model every 15 s.
     */
    private BesideBulk besideBulk(Topics topics, URI direct, URI dmap) throws Exception {
        progress.printf("  bulk again, with interactive calls beside it%n");
        progress.flush();
        publishBulk(topics, "bulk-beside");
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Outcomes> bulk = CompletableFuture.supplyAsync(() -> {
            try {
                return Outcomes.await(bootstrapServers, topics, "bulk-beside", bulkRequests, Duration.ofHours(2), progress);
            } finally {
                done.set(true);
            }
        });
        Latencies a = new Latencies();
        Latencies b = new Latencies();
        Latencies straight = new Latencies();
        int[] failed = new int[3];
        int[] count = new int[3];
        double interactiveWork = 0;
        double otherSeconds = 0;
        List<String> otherIds = new ArrayList<>();
        // first its own model, one call a second for a while; then another model every 15 s until the batch ends
        // (a call for A right after one for B would wait for the swap back, which is the second measurement's cost)
        Instant phaseTwo = Instant.now().plus(A_PHASE);
        while (!done.get() && Instant.now().isBefore(phaseTwo)) {
            double took = TimedCalls.call(dmap, chat(target.modelA(), "interactive " + count[0], 16, false));
            record(a, took, failed, 0);
            count[0]++;
            interactiveWork += Math.max(0, took) / 4; // one slot of four, at most
            record(straight, TimedCalls.call(direct, chat(target.modelA(), "direct beside bulk " + count[1], 16, false)), failed, 1);
            count[1]++;
            Thread.sleep(1000);
        }
        while (!done.get()) {
            double other = TimedCalls.call(dmap, chat(target.modelB(), "other model " + count[2], 16, false), otherIds);
            record(b, other, failed, 2);
            count[2]++;
            otherSeconds += Math.max(0, other);
            for (int i = 0; i < 15 && !done.get(); i++) {
                Thread.sleep(1000);
            }
        }
        Outcomes outcomes = bulk.get();
        return new BesideBulk(spread("beside bulk, model A (loaded), through dmap", a, failed[0]),
                spread("beside bulk, model B (another model), through dmap", b, failed[2]),
                spread("beside bulk, model A, direct to the server (queues behind the bulk calls)", straight, failed[1]),
                outcomes.makespan().toNanos() / 1e9, otherSeconds, otherIds, outcomes.maxLoadMillis(), interactiveWork);
    }

    private void publishBulk(Topics topics, String batchId) throws Exception {
        Topics run = topics;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            new TopicProvisioner(admin, run).ensureAll(List.of(target.modelA()));
        }
        String now = Instant.now().toString();
        String deadline = Instant.now().plus(Duration.ofHours(24)).toString();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (int i = 0; i < bulkRequests; i++) {
                String id = batchId + ":b-" + i;
                String line = "{\"custom_id\":\"b-" + i + "\",\"batch_id\":\"" + batchId + "\",\"method\":\"POST\",\"url\":\"" + TimedCalls.CHAT
                        + "\",\"submitted_at\":\"" + now + "\",\"deadline\":\"" + deadline + "\",\"body\":"
                        + chat(target.modelA(), "bulk " + i, 8, false) + "}";
                producer.send(new ProducerRecord<>(run.requests(target.modelA()), id.getBytes(StandardCharsets.UTF_8),
                        line.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    private String chat(String model, String text, int maxTokens, boolean stream) {
        return target.chat(model, text, maxTokens, stream);
    }

    private static void record(Latencies latencies, double seconds, int[] failed, int index) {
        if (seconds < 0) {
            failed[index]++;
        } else {
            latencies.add(seconds);
        }
    }

    private static Spread spread(String what, Latencies latencies, int failed) {
        return new Spread(what, latencies.count(), failed, latencies.percentile(50), latencies.percentile(95),
                latencies.percentile(100));
    }

}
