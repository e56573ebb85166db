package dev.dmap.local;

import dev.dmap.cli.CliException;
import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.client.ClientException;
import dev.dmap.gateway.batches.BatchStates;
import dev.dmap.gateway.app.GatewayApplication;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.BatchSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dmap serve --sim --port 8090 [--api-keys-file FILE]}: the whole system in one process, serving
 * OpenAI's API (synchronous calls, streaming, the Batch API) until Ctrl-C: a single-node Kafka broker, a worker with its batch tracker, LM
 * Studio (or the emulator) and the gateway. Everything lives in a temporary directory and ends with
 * the process; a lasting setup runs the pieces separately (README).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve OpenAI's API locally until Ctrl-C: synchronous and streaming calls (/v1/chat/completions,",
                "/v1/completions, /v1/embeddings, /v1/responses) and the Batch API (/v1/files, /v1/batches). Starts a",
                "Kafka broker, a worker and the gateway in one process. Uses the server at --backend-url, or the",
                "built-in LM Studio emulator with --sim. Batches and files last until the process ends."})
public class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "${env:DMAP_GATEWAY_PORT:-8090}", description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--api-keys-file", defaultValue = "${env:DMAP_API_KEYS_FILE}",
            description = {"One line per key: KEY OWNER; reloaded when it changes (default: $DMAP_API_KEYS_FILE).",
                    "Without it every call is anonymous and the gateway listens on 127.0.0.1 only."})
    Path apiKeys;

    @Mixin
    LocalBackend backend = new LocalBackend();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (apiKeys != null && !Files.isReadable(apiKeys)) {
            throw new CliException(ExitCodes.INVALID_INPUT, "cannot read the API keys file " + apiKeys + " (one line per key: KEY OWNER)");
        }
        backend.requireReachable();
        Path dir = Files.createTempDirectory("dmap-serve-");
        CompletableFuture<Integer> stopped = new CompletableFuture<>();
        CountDownLatch closed = new CountDownLatch(1);
        try (LmStudioEmulator emulator = backend.startEmulatorIfSim(err);
                LocalBroker broker = LocalBroker.startTemporary();
                Worker worker = Worker.start(backend.workerConfig(broker.bootstrapServers(), "dmap-serve", emulator)
                        .withBatches(new BatchSettings(true, dir.resolve("tracker"), BatchSettings.DEFAULT_RETENTION)),
                        new SimpleMeterRegistry());
                ConfigurableApplicationContext gateway = startGateway(broker, dir.resolve("gateway"))) {
            worker.onFailure(reason -> stop(stopped, err, "the worker cannot go on: " + reason));
            gateway.getBean(BatchStates.class).onFailure(reason -> stop(stopped, err, "the gateway cannot go on: " + reason));
            // Ctrl-C: the JVM halts once its shutdown hooks return, so this one waits until everything is closed
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopped.complete(ExitCodes.INTERRUPTED);
                awaitQuietly(closed);
            }, "dmap-serve-stop"));
            err.printf("Kafka broker (local, single node) at %s; a worker with its batch tracker%n", broker.bootstrapServers());
            String port = gateway.getEnvironment().getProperty("local.server.port");
            err.printf("OpenAI API at http://127.0.0.1:%s/v1 (%s): chat, completions, embeddings, responses, batches, files;"
                    + " /metrics. Ctrl-C stops; batches and files end with it.%n", port,
                    apiKeys == null ? "anonymous, this machine only" : "keys from " + apiKeys);
            err.println("Log: " + System.getProperty("dmap.log.file", ".dmap/logs/dmap.log"));
            err.flush();
            return stopped.get();
        } finally {
            try {
                deleteTree(dir);
            } finally {
                closed.countDown();
            }
        }
    }

    /** The gateway; a port in use or a gateway failure the CLI knows is one line and its exit code, not a stack trace. */
    private ConfigurableApplicationContext startGateway(LocalBroker broker, Path dir) {
        try {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("--port", String.valueOf(port),
                    "--bootstrap-servers", broker.bootstrapServers(), "--dir", dir.toString()));
            if (apiKeys != null) {
                args.addAll(java.util.List.of("--api-keys-file", apiKeys.toString()));
            }
            return GatewayApplication.start(args.toArray(String[]::new));
        } catch (RuntimeException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof CliException || cause instanceof ClientException) {
                    throw (RuntimeException) cause;
                }
                if (cause instanceof PortInUseException) {
                    throw new CliException(ExitCodes.INVALID_INPUT, "port " + port + " is in use: pass another with --port");
                }
            }
            throw e;
        }
    }

    private static void stop(CompletableFuture<Integer> stopped, PrintWriter err, String why) {
        err.println("dmap serve: " + why);
        err.flush();
        stopped.complete(ExitCodes.GATEWAY_FAILED);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
