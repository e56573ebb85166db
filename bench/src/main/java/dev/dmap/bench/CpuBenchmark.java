package dev.dmap.bench;

import dev.dmap.devkit.broker.BrokerProcess;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.devkit.net.FreePorts;
import dev.dmap.schemas.Limits;
import dev.dmap.schemas.TopicProvisioner;
import dev.dmap.schemas.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * What dmap's own processes cost in CPU, read from the operating system's counters of each
 * process: a single-node broker and a worker, each in a JVM of its own (as {@code ./dmap broker}
 * and {@code ./dmap worker} run them), in front of a zero-latency emulator (in this JVM, so its CPU
 * is not counted). First both idle with nothing to do, then a backlog of short requests served to
 * its end, then idle again: CPU time per request, and the share of a core while idle, after
 * start-up and between jobs.
 */
public final class CpuBenchmark {
    static final String MODEL = "qwen2.5-7b-instruct";
    /** Idle after start-up is measured after this much quiet, so that start-up work is not counted. */
    static final Duration SETTLE = Duration.ofSeconds(20);
    static final Duration IDLE = Duration.ofSeconds(30);
    /**
     * Idle after the backlog is measured after this much quiet: the JIT compiler goes on compiling
     * the idle loops' code for a minute or so after the work stops (-XX:+PrintCompilation shows it).
     */
    static final Duration SETTLE_AFTER_WORK = Duration.ofSeconds(60);
    private static final ReportSection SECTION = new ReportSection("cpu-benchmark");

    private final PrintWriter progress;
    private final int requests;
    private final int slots;

    public CpuBenchmark(PrintWriter progress, int requests, int slots) {
        this.progress = progress;
        this.requests = requests;
        this.slots = slots;
    }

    /** One process's CPU over one phase. */
    record Use(String process, String phase, Duration cpu, Duration wall, long requests) {
        double shareOfACore() {
            return (double) cpu.toNanos() / wall.toNanos();
        }

        double msPerRequest() {
            return requests == 0 ? Double.NaN : cpu.toNanos() / 1e6 / requests;
        }
    }

    public void run(Path report, Path dir) throws Exception {
        Files.createDirectories(dir);
        Topics topics = new Topics("cpu-" + Long.toHexString(System.nanoTime()));
        int port = FreePorts.next();
        try (BrokerProcess broker = BrokerProcess.start(port, FreePorts.next(), dir.resolve("broker"), dir.resolve("broker.log"));
                LmStudioEmulator gpu = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(0).parallelSlots(slots).build())) {
            String bootstrap = "127.0.0.1:" + port;
            gpu.preload(MODEL);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                new TopicProvisioner(admin, topics, BenchRunner.requestPartitions(), Limits.DEFAULT_MAX_REQUEST_BYTES)
                        .ensureAll(List.of(MODEL));
            }
            int workerPort = FreePorts.next();
            Process worker = WorkerProcess.start(WorkerProcess.command("cpu-worker", workerPort, topics, bootstrap, gpu.baseUrl(),
                    dir.resolve("worker-state"), List.of()), dir.resolve("worker.log"));
            try {
                awaitLive(worker, workerPort);
                Idle fresh = idle(worker, broker.pid(), "idle after start-up", SETTLE);
                progress.printf("  load: %,d requests%n", requests);
                Backlog.publish(bootstrap, topics, MODEL, requests, progress);
                List<Use> load = measure(worker, broker.pid(), "serving a backlog", requests,
                        () -> Outcomes.await(bootstrap, topics, requests, Duration.ofMinutes(20), progress));
                Idle warm = idle(worker, broker.pid(), "idle after the backlog", SETTLE_AFTER_WORK);
                write(report, List.of(fresh, warm), load);
            } finally {
                worker.destroy();
                worker.waitFor();
            }
        }
    }

    /** An idle phase: each process's CPU, and the worker's busiest threads over it. */
    private record Idle(String phase, List<Use> use, Map<String, Duration> workerThreads) {
    }

    private Idle idle(Process worker, long brokerPid, String phase, Duration settle) throws Exception {
        progress.printf("  %s: %d s to settle, then %d s measured%n", phase, settle.toSeconds(), IDLE.toSeconds());
        progress.flush();
        Thread.sleep(settle.toMillis());
        Map<String, Long> threadsBefore = ThreadTicks.of(worker.pid());
        List<Use> use = measure(worker, brokerPid, phase, 0, () -> Thread.sleep(IDLE.toMillis()));
        return new Idle(phase, use, ThreadTicks.busiest(threadsBefore, ThreadTicks.of(worker.pid()), 8));
    }

    private interface Phase {
        void run() throws Exception;
    }

    private static List<Use> measure(Process worker, long brokerPid, String phase, long requests, Phase work) throws Exception {
        Duration workerBefore = cpu(worker.pid());
        Duration brokerBefore = cpu(brokerPid);
        long started = System.nanoTime();
        work.run();
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        return List.of(new Use("worker", phase, cpu(worker.pid()).minus(workerBefore), wall, requests),
                new Use("broker", phase, cpu(brokerPid).minus(brokerBefore), wall, requests));
    }

    /** The process's CPU time so far (user and system), from the operating system. */
    static Duration cpu(long pid) {
        return ProcessHandle.of(pid).flatMap(handle -> handle.info().totalCpuDuration())
                .orElseThrow(() -> new IllegalStateException("no CPU time for process " + pid + " (it is gone?)"));
    }

    private static void awaitLive(Process worker, int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (!worker.isAlive()) {
                throw new IllegalStateException("the worker exited with " + worker.exitValue());
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/liveness")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the worker did not come up in 2 minutes");
    }

    private void write(Path report, List<Idle> idles, List<Use> load) throws IOException {
        StringBuilder body = new StringBuilder();
        body.append("## CPU of dmap's own processes\n\n");
        body.append("`./dmap bench cpu` (").append(String.format("%,d", requests)).append(" short requests, the emulator's ")
                .append(slots).append(" slots, zero latency). A single-node broker and a worker, each in a JVM of its own as `./dmap "
                        + "broker` and `./dmap worker` run them, with the batch tracker on; CPU time (user and system) from the "
                        + "operating system's counters of each process. The emulator runs in the benchmark's JVM and is not "
                        + "counted. Idle is measured twice, ").append(IDLE.toSeconds()).append(" s with nothing to do each: ")
                .append(SETTLE.toSeconds()).append(" s after start-up (the JIT compiler still at work), and ")
                .append(SETTLE_AFTER_WORK.toSeconds()).append(" s after the backlog (a worker between jobs).\n\n");
        body.append("| process | idle after start-up: share of a core | idle after the backlog | serving: CPU per request "
                + "| serving: share of a core | requests/s |\n");
        body.append("|---|---|---|---|---|---|\n");
        for (int i = 0; i < load.size(); i++) {
            Use busy = load.get(i);
            body.append(String.format("| %s | %.1f %% | %.1f %% | %.3f ms | %.0f %% | %,.0f |%n", busy.process(),
                    idles.get(0).use().get(i).shareOfACore() * 100, idles.get(1).use().get(i).shareOfACore() * 100,
                    busy.msPerRequest(), busy.shareOfACore() * 100, busy.requests() / (busy.wall().toNanos() / 1e9)));
        }
        body.append("\nTargets (issue 28): worker ≤ 0.3 ms per request, idle under 2 % of a core.\n");
        for (Idle idle : idles) {
            body.append("\nWhere the worker's CPU goes ").append(idle.phase()).append(" (its busiest threads over the ")
                    .append(IDLE.toSeconds()).append(" s, from `/proc/<pid>/task`; Linux cuts thread names at 15 characters):\n\n"
                            + "| thread | CPU | share of a core |\n|---|---|---|\n");
            idle.workerThreads().forEach((thread, cpu) -> body.append(String.format("| `%s` | %d ms | %.1f %% |%n", thread,
                    cpu.toMillis(), 100.0 * cpu.toNanos() / IDLE.toNanos())));
        }
        SECTION.write(report, body.toString());
        progress.print(body);
    }
}
