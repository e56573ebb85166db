package dev.dmap.bench;

import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.devkit.net.FreePorts;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.TopicProvisioner;
import dev.dmap.schemas.Topics;
import java.io.File;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A worker (the service, in its own JVM with a 256 MB heap) facing a large backlog with an
 * emulated GPU at realistic speed: its heap, after a forced GC, sampled while it works. The
 * backlog stays in Kafka, so the heap must stay flat.
 */
final class HeapWatch {
    static final String MAX_HEAP = "256m";
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);

    private final String bootstrapServers;
    private final PrintWriter progress;
    private final Path classpathHint;

    /**
     * @param result  backlog published, samples of heap used after GC (seconds, MB), requests served meanwhile
     */
    record Result(long backlog, List<double[]> samples, long served, String maxHeap, double slotBusy) {
    }

    HeapWatch(String bootstrapServers, PrintWriter progress, Path classpathHint) {
        this.bootstrapServers = bootstrapServers;
        this.progress = progress;
        this.classpathHint = classpathHint;
    }

    Result run(long backlog, Duration watch) throws Exception {
        Topics topics = new Topics("heap-" + Long.toHexString(System.nanoTime()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            new TopicProvisioner(admin, topics).ensureAll(List.of(OverheadBenchmark.MODEL));
        }
        progress.printf("  publishing a backlog of %,d requests%n", backlog);
        progress.flush();
        Backlog.publish(bootstrapServers, topics, OverheadBenchmark.MODEL, backlog, progress);
        int port = FreePorts.next();
        try (LmStudioEmulator gpu = LmStudioEmulator.start(EmulatorConfig.builder().port(0).build())) {
            Process worker = startWorker(topics, gpu.baseUrl(), port);
            List<double[]> samples;
            try {
                samples = sample(worker, port, watch);
            } finally {
                worker.destroy(); // SIGTERM: a graceful stop commits what finished
                worker.waitFor(60, TimeUnit.SECONDS);
            }
            Outcomes all = Outcomes.readAll(bootstrapServers, topics);
            return new Result(backlog, samples, all.succeeded(), MAX_HEAP, all.slotBusy(gpu.config().parallelSlots()));
        }
    }

    private List<double[]> sample(Process worker, int port, Duration watch) throws Exception {
        awaitUp(port);
        List<double[]> samples = new ArrayList<>();
        long started = System.nanoTime();
        while (System.nanoTime() - started < watch.toNanos()) {
            new ProcessBuilder("jcmd", String.valueOf(worker.pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
            double usedMb = metric(port, "jvm.memory.used?tag=area:heap") / 1024 / 1024;
            double seconds = (System.nanoTime() - started) / 1e9;
            samples.add(new double[] {seconds, usedMb});
            progress.printf("    t=%3.0f s heap after GC %.1f MB%n", seconds, usedMb);
            progress.flush();
            Thread.sleep(SAMPLE_EVERY.toMillis());
        }
        return samples;
    }

    private Process startWorker(Topics topics, URI backend, int port) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx" + MAX_HEAP, "-cp", System.getProperty("java.class.path"),
                "dev.dmap.worker.app.WorkerApplication", "--server.port=" + port, "--spring.main.banner-mode=off",
                "--logging.level.root=WARN", "--management.endpoints.web.exposure.include=health,metrics",
                "--dmap.worker-id=heap-worker", "--dmap.topic-prefix=" + topics.prefix(),
                "--dmap.kafka.group-id=" + topics.prefix() + "-workers", "--dmap.kafka.bootstrap-servers=" + bootstrapServers,
                "--dmap.backend.url=" + backend);
        File log = Files.createTempFile("dmap-heap-worker-", ".log").toFile();
        progress.printf("  worker log: %s%n", log);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static void awaitUp(int port) throws Exception {
        for (int i = 0; i < 120; i++) {
            try {
                metric(port, "jvm.memory.used?tag=area:heap");
                return;
            } catch (Exception e) {
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("the worker did not come up");
    }

    /** The sum (for timers: the count) of a metric from the worker's actuator. */
    private static double metric(int port, String nameAndQuery) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/metrics/" + nameAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("actuator answered " + response.statusCode());
        }
        return MessageCodec.mapper().readTree(response.body()).path("measurements").get(0).path("value").asDouble();
    }
}
