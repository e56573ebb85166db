package dev.dmap.devkit.broker;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Kafka broker in a JVM of its own, for tests that stop a broker and start it again on the same
 * ports and data folder (a broker restart, as for an upgrade). {@link #stop} is a clean SIGTERM stop.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final String READY = "READY ";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final int LOG_TAIL_LINES = 30;

    private final Process process;
    private final int port;
    private final Path log;
    private final CompletableFuture<Void> ready;

    private BrokerProcess(Process process, int port, Path log, CompletableFuture<Void> ready) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.ready = ready;
    }

    /** Starts a broker JVM on these ports and data folder, copies its output to {@code log}, and returns once it answers. */
    public static BrokerProcess start(int port, int controllerPort, Path dataDir, Path log) throws IOException {
        BrokerProcess broker = launch(port, controllerPort, dataDir, log, Map.of(), null);
        broker.awaitReady();
        return broker;
    }

    /**
     * Starts a broker JVM and returns at once; {@link #awaitReady} waits until it answers. The nodes
     * of a cluster are launched together, since none answers before a quorum of them runs.
     *
     * @param overrides broker properties applied last (a cluster node's id, voters, replication)
     * @param clusterId the id its storage is formatted with, or null for a new one
     */
    public static BrokerProcess launch(int port, int controllerPort, Path dataDir, Path log, Map<String, String> overrides,
            String clusterId) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                BrokerProcess.class.getName(), String.valueOf(port), String.valueOf(controllerPort), dataDir.toString(),
                clusterId == null ? "-" : clusterId));
        overrides.forEach((key, value) -> command.add(key + "=" + value));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread copier = new Thread(() -> copyOutput(process, log, ready), "broker-log-" + port);
        copier.setDaemon(true);
        copier.start();
        return new BrokerProcess(process, port, log, ready);
    }

    /** Returns once the broker answers clients. */
    public void awaitReady() {
        try {
            ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while starting a broker", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the broker on port " + port + " did not start ("
                    + (e instanceof TimeoutException ? "no answer within " + START_TIMEOUT.toSeconds() + " s" : e.getCause().getMessage())
                    + "); the end of " + log + ":\n" + tail(log), e);
        }
    }

    /** The last lines of a broker's log, so a failure in CI tells its cause where only the test output is kept. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private static void copyOutput(Process process, Path log, CompletableFuture<Void> ready) {
        try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                BufferedWriter writer = Files.newBufferedWriter(log)) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                writer.write(line);
                writer.newLine();
                writer.flush();
                if (line.startsWith(READY)) {
                    ready.complete(null);
                }
            }
            ready.completeExceptionally(new IllegalStateException("the broker exited"));
        } catch (IOException e) {
            ready.completeExceptionally(new UncheckedIOException(e));
        }
    }

    /** Stops the broker cleanly (SIGTERM) and waits for it to exit. */
    public void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** Sends SIGTERM (a clean stop) and returns at once. */
    public void terminate() {
        process.destroy();
    }

    /** Whether the broker exited within {@code timeout}. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Kills the broker (SIGKILL), as a crash or a pulled plug would, and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Sends {@code signal} (STOP freezes the JVM, CONT thaws it) with the system's {@code kill}. */
    public void signal(String signal) throws IOException, InterruptedException {
        Signals.send(signal, process.pid());
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code BrokerProcess <port> <controller-port> <data-dir> <cluster-id or -> [key=value...]}: prints
     * {@code READY <bootstrap>} once it answers.
     */
    public static void main(String[] args) {
        Map<String, String> overrides = new HashMap<>();
        for (int i = 4; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            overrides.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        String clusterId = args.length > 3 && !args[3].equals("-") ? args[3] : null;
        LocalBroker broker;
        try {
            broker = LocalBroker.start(new BrokerSettings(BrokerSettings.DEFAULT_HOST, Integer.parseInt(args[0]),
                    Integer.parseInt(args[1]), Path.of(args[2]), overrides, null, clusterId));
        } catch (RuntimeException e) { // Kafka's own threads would keep a JVM that never answers alive
            e.printStackTrace();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-stop"));
        System.out.println(READY + broker.bootstrapServers());
        System.out.flush();
        broker.awaitShutdown();
    }
}
