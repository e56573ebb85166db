package dev.dmap.bench.chaos;

import dev.dmap.devkit.broker.BrokerCluster;
import dev.dmap.devkit.broker.Signals;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.devkit.net.FreePorts;
import dev.dmap.schemas.Topics;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the chaos run breaks: a cluster of three brokers ({@link BrokerCluster}), workers each in a
 * JVM of its own (as {@code ./dmap worker} runs them, with the batch tracker and the response cache
 * on), and one emulated GPU per worker. Every part can be killed, frozen or stopped and brought back.
 */
final class ChaosFleet implements AutoCloseable {
    private final Path dir;
    private final Topics topics;
    private final BrokerCluster cluster;
    private final List<LmStudioEmulator> backends = new ArrayList<>();
    private final Process[] workers;
    private final int[] ports;
    private final int[] starts;
    private Process gateway;
    private int gatewayPort;

    private ChaosFleet(Path dir, Topics topics, BrokerCluster cluster, int size) {
        this.dir = dir;
        this.topics = topics;
        this.cluster = cluster;
        this.workers = new Process[size];
        this.ports = new int[size];
        this.starts = new int[size];
    }

    static ChaosFleet start(Path dir, Topics topics, int brokers, int workers) throws Exception {
        ChaosFleet fleet = new ChaosFleet(dir, topics, BrokerCluster.start(brokers, dir.resolve("cluster"), 0), workers);
        try {
            for (int i = 0; i < workers; i++) {
                // a long generation (200 tokens) takes about 120 ms, a short one (8 tokens) about 25 ms; 4 slots
                fleet.backends.add(LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(1.0)
                        .requestOverhead(Duration.ofMillis(20)).decodeTokensPerSecond(2_000)
                        .loadOverhead(Duration.ofMillis(300)).loadBytesPerSecond(50e9).build()));
                fleet.ports[i] = FreePorts.next();
                fleet.startWorker(i);
            }
            for (int i = 0; i < workers; i++) {
                fleet.awaitLive(i, Duration.ofMinutes(2));
            }
            fleet.startGateway();
        } catch (Exception e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    int brokers() {
        return cluster.nodes().size();
    }

    int workers() {
        return workers.length;
    }

    void killBroker(int node) throws InterruptedException {
        cluster.kill(node);
    }

    void stopBroker(int node) throws InterruptedException {
        cluster.stop(node);
    }

    void freezeBroker(int node) throws IOException, InterruptedException {
        cluster.freeze(node);
    }

    void thawBroker(int node) throws IOException, InterruptedException {
        cluster.thaw(node);
    }

    void restartBroker(int node) throws IOException {
        cluster.restart(node);
    }

    void killWorker(int index) throws InterruptedException {
        workers[index].destroyForcibly();
        workers[index].waitFor();
    }

    void freezeWorker(int index) throws IOException, InterruptedException {
        Signals.send("STOP", workers[index].pid());
    }

    void thawWorker(int index) throws IOException, InterruptedException {
        Signals.send("CONT", workers[index].pid());
    }

    void crashBackend(int index) {
        backends.get(index).crash();
    }

    /** Listens again with nothing loaded (from a crash, or at once when running). */
    void restartBackend(int index) {
        backends.get(index).restart();
    }

    /** Starts a worker JVM (again, after a kill) on its id, port and state folder. */
    void startWorker(int index) throws IOException {
        List<String> command = dev.dmap.bench.WorkerProcess.command("chaos-" + index, ports[index], topics, bootstrapServers(),
                backends.get(index).baseUrl(), dir.resolve("worker-" + index), new java.util.ArrayList<>(List.of(
                        "--dmap.kafka.replication-factor=3", "--dmap.kafka.min-insync-replicas=2",
                        "--dmap.backend.unload-cooldown=50ms")));
        // more for the workers, to look closer: DMAP_CHAOS_WORKER_ARGS="--logging.level.org.apache.kafka.streams=info"
        String extra = System.getenv().getOrDefault("DMAP_CHAOS_WORKER_ARGS", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        workers[index] = dev.dmap.bench.WorkerProcess.start(command, dir.resolve("worker-" + index + "." + starts[index]++ + ".log"));
    }

    boolean workerRunning(int index) {
        return workers[index].isAlive();
    }

    /**
     * The gateway, as {@code ./dmap gateway} runs it in a JVM of its own, anonymous on loopback: the
     * faults never touch it, it must ride through them.
     */
    private void startGateway() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        gatewayPort = FreePorts.next();
        List<String> command = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.dmap.gateway.app.GatewayApplication", "--port", String.valueOf(gatewayPort), "--bootstrap-servers",
                bootstrapServers(), "--topic-prefix", topics.prefix(), "--replication-factor", "3", "--min-insync-replicas", "2",
                "--dir", dir.resolve("gateway").toString());
        gateway = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!gatewayLive()) {
            if (System.nanoTime() > deadline || !gateway.isAlive()) {
                throw new IllegalStateException("the gateway did not come up; see " + dir.resolve("gateway.log"));
            }
            Thread.sleep(500);
        }
    }

    /** The gateway's OpenAI API, {@code http://127.0.0.1:PORT/v1}. */
    URI gatewayUrl() {
        return URI.create("http://127.0.0.1:" + gatewayPort + "/v1/");
    }

    /** Whether the gateway runs and answers its health check. */
    boolean gatewayLive() {
        return gateway.isAlive() && answers("http://127.0.0.1:" + gatewayPort + "/health");
    }

    /** Whether the worker answers its liveness check (a frozen or dead one does not). */
    boolean workerLive(int index) {
        return answers("http://127.0.0.1:" + ports[index] + "/actuator/health/liveness");
    }

    private static boolean answers(String url) {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void awaitLive(int index, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!workerLive(index)) {
            if (System.nanoTime() > deadline || !workers[index].isAlive()) {
                throw new IllegalStateException("worker chaos-" + index + " did not come up; see " + dir);
            }
            Thread.sleep(500);
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Stops everything; again (from the shutdown hook as well), it does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Process worker : workers) {
            if (worker != null) {
                worker.destroyForcibly();
            }
        }
        if (gateway != null) {
            gateway.destroyForcibly();
        }
        backends.forEach(LmStudioEmulator::close);
        cluster.close();
    }
}
