package dev.dmap.bench;

import dev.dmap.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker in a JVM of its own, as {@code ./dmap worker} runs it (the worker service, its batch
 * tracker on): for what only a process shows, its CPU time, a kill, a freeze.
 */
public final class WorkerProcess {
    private WorkerProcess() {
    }

    /**
     * The command that starts it.
     *
     * @param port   its HTTP port (health, metrics)
     * @param extra  further {@code --name=value} settings
     */
    public static List<String> command(String workerId, int port, Topics topics, String bootstrapServers, URI backend, Path stateDir,
            List<String> extra) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC"));
        String options = System.getenv("DMAP_BENCH_WORKER_JAVA_OPTS"); // e.g. a flight recording, to see where CPU goes
        if (options != null && !options.isBlank()) {
            command.addAll(List.of(options.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.dmap.worker.app.WorkerApplication", "--server.port=" + port, "--spring.main.banner-mode=off",
                "--dmap.worker-id=" + workerId, "--dmap.topic-prefix=" + topics.prefix(),
                "--dmap.kafka.group-id=" + topics.prefix() + "-workers", "--dmap.kafka.bootstrap-servers=" + bootstrapServers,
                "--dmap.backend.url=" + backend, "--dmap.batches.state-dir=" + stateDir));
        command.addAll(extra);
        return command;
    }

    /** Starts it, its output in {@code log}. */
    public static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
