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

    private final Process process;

    private BrokerProcess(Process process) {
        this.process = process;
    }

    /** Starts a broker JVM on these ports and data folder, copies its output to {@code log}, and returns once it answers. */
    public static BrokerProcess start(int port, int controllerPort, Path dataDir, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                BrokerProcess.class.getName(), String.valueOf(port), String.valueOf(controllerPort), dataDir.toString())
                .redirectErrorStream(true).start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread copier = new Thread(() -> copyOutput(process, log, ready), "broker-log-" + port);
        copier.setDaemon(true);
        copier.start();
        try {
            ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while starting a broker", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the broker on port " + port + " did not start; see " + log, e);
        }
        return new BrokerProcess(process);
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

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /** {@code BrokerProcess <port> <controller-port> <data-dir>}: prints {@code READY <bootstrap>} once it answers. */
    public static void main(String[] args) {
        LocalBroker broker = LocalBroker.start(new BrokerSettings(BrokerSettings.DEFAULT_HOST, Integer.parseInt(args[0]),
                Integer.parseInt(args[1]), Path.of(args[2]), Map.of()));
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-stop"));
        System.out.println(READY + broker.bootstrapServers());
        System.out.flush();
        broker.awaitShutdown();
    }
}
