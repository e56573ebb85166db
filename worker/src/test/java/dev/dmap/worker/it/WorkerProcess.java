package dev.dmap.worker.it;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The worker service, as {@code ./dmap worker} runs it, in a JVM of its own, so that a test can SIGKILL it. */
final class WorkerProcess {
    private WorkerProcess() {
    }

    /**
     * Starts a worker JVM.
     *
     * @param log   where its output goes
     * @param extra further {@code --key=value} arguments
     */
    static Process start(String workerId, String bootstrapServers, WorkerFixture fixture, java.net.URI backend, File log,
            String... extra) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(
                "--dmap.worker-id=" + workerId,
                "--dmap.topic-prefix=" + fixture.topics.prefix(),
                "--dmap.kafka.group-id=" + fixture.topics.prefix() + "-workers",
                "--dmap.kafka.bootstrap-servers=" + bootstrapServers,
                "--dmap.backend.url=" + backend,
                "--dmap.backend.unload-cooldown=10ms"));
        arguments.addAll(List.of(extra));
        return start(arguments, log);
    }

    /** Starts a worker JVM with these {@code --key=value} arguments (and a free HTTP port, quiet logs). */
    static Process start(List<String> arguments, File log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.dmap.worker.app.WorkerApplication",
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                "--logging.level.dev.dmap=INFO"));
        command.addAll(arguments);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }
}
