package dev.dmap.bench;

import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
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
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * What the worker costs on top of the backend: the same requests sent straight to a zero-latency
 * emulator by a plain HTTP load generator, and through Kafka and a worker with exactly-once on and
 * off, in one run; then a worker's heap facing a million-request backlog.
 */
public final class OverheadBenchmark {
    static final String MODEL = "qwen2.5-7b-instruct";

    private final String bootstrapServers;
    private final PrintWriter progress;
    private final int requests;
    private final int slots;

    public OverheadBenchmark(String bootstrapServers, PrintWriter progress, int requests, int slots) {
        this.bootstrapServers = bootstrapServers;
        this.progress = progress;
        this.requests = requests;
        this.slots = slots;
    }

    public void run(Path report, long backlog, Duration heapWatch, Path localClasspath) throws Exception {
        List<Throughput> rows = new ArrayList<>();
        try (LmStudioEmulator gpu = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(0)
                .parallelSlots(slots).build())) {
            gpu.preload(MODEL); // loaded up front, as `lms load` would: the baseline measures inference only
            DirectLoad.repeat(gpu.baseUrl(), MODEL, Math.min(2000, requests), slots); // warm-up
            rows.add(throughput("HTTP straight to the emulator (baseline)",
                    DirectLoad.repeat(gpu.baseUrl(), MODEL, requests, slots).took()));
            progress.printf("  baseline: %.0f requests/s%n", rows.get(0).perSecond());
            for (DeliverySettings.Mode mode : List.of(DeliverySettings.Mode.AT_LEAST_ONCE, DeliverySettings.Mode.EXACTLY_ONCE)) {
                rows.add(throughput("Kafka + worker, " + mode.name().toLowerCase().replace('_', '-'), throughWorker(gpu, mode)));
                progress.printf("  %s: %.0f requests/s%n", mode, rows.get(rows.size() - 1).perSecond());
            }
        }
        HeapWatch.Result heap = new HeapWatch(bootstrapServers, progress, localClasspath).run(backlog, heapWatch);
        new OverheadReport(requests, slots, rows, heap).writeInto(report);
    }

    private Duration throughWorker(LmStudioEmulator gpu, DeliverySettings.Mode mode) throws Exception {
        Topics topics = new Topics("overhead-" + mode.name().toLowerCase().replace('_', '-') + "-" + Long.toHexString(System.nanoTime()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            new TopicProvisioner(admin, topics).ensureAll(List.of(MODEL));
        }
        Backlog.publish(bootstrapServers, topics, MODEL, requests, progress);
        KafkaSettings kafka = new KafkaSettings(bootstrapServers, topics.prefix() + "-workers", Duration.ofMillis(20),
                Duration.ofMillis(200), 1000, Duration.ofSeconds(1), Duration.ofSeconds(10), Map.of());
        BackendSettings backend = BackendSettings.defaults(gpu.baseUrl()).withUnloadCooldown(Duration.ZERO);
        WorkerConfig config = new WorkerConfig("overhead-worker", topics, kafka, backend, RetrySettings.defaults(),
                SchedulingSettings.defaults(), DeliverySettings.of(mode), BatchSettings.withoutTracker(), WorkerConfig.DEFAULT_MAX_REQUEST_BYTES);
        try (Worker worker = Worker.start(config, new SimpleMeterRegistry())) {
            return Outcomes.await(bootstrapServers, topics, requests, Duration.ofMinutes(10), progress).workSpan();
        }
    }

    private Throughput throughput(String path, Duration took) {
        return new Throughput(path, requests, took);
    }

    /**
     * One way of serving the requests.
     *
     * @param path     how they travelled
     * @param requests how many
     * @param took     wall time, first send to last answer
     */
    record Throughput(String path, int requests, Duration took) {
        double perSecond() {
            return requests / (took.toNanos() / 1e9);
        }

        double msPerRequest() {
            return took.toNanos() / 1e6 / requests;
        }
    }
}
