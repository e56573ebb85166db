package dev.dmap.devkit.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A real llama.cpp {@code llama-server} in its own process on loopback, from the cache that
 * {@code engines/llama-server/setup.sh} fills (default {@code ~/.cache/dmap/llama-server/current}, or
 * {@code $DMAP_ENGINE_CACHE}): single-model mode ({@code -m}) or router mode ({@code --models-dir}).
 * Starts and waits until {@code /health} answers 200; {@link #kill} and {@link #restart} are for
 * fault tests. Its log goes to a file beside the cache, never to the caller's output.
 */
public final class LlamaServer implements AutoCloseable {
    /** The tiny generated models, smallest first: vocabularies of 32,000, 151,936 and 128,256 tokens. */
    public static final String SPM_64 = "tiny-llama-spm-64";
    public static final String QWEN2TOK_128 = "tiny-qwen2tok-128";
    public static final String LLAMA3TOK_256 = "tiny-llama3tok-256";
    public static final List<String> MODELS = List.of(SPM_64, QWEN2TOK_128, LLAMA3TOK_256);

    /** The environment variable that makes tests against it required ({@code true} in CI), not skipped. */
    public static final String REQUIRED_BY = "DMAP_REQUIRE_REAL_ENGINE";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final List<String> command;
    private final int port;
    private final Path log;
    private Process process;

    private LlamaServer(List<String> command, int port, Path log) {
        this.command = command;
        this.port = port;
        this.log = log;
    }

    /** The cache folder, whether or not the engine is installed in it. */
    public static Path cache() {
        String configured = System.getenv("DMAP_ENGINE_CACHE");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "dmap", "llama-server", "current");
    }

    /** Whether setup.sh finished: the binary and the models are there. */
    public static boolean installed() {
        return Files.isExecutable(cache().resolve("bin/llama-server")) && Files.exists(cache().resolve("models/.done"));
    }

    /** What to run when it is missing, for a skip or failure message. */
    public static String installHint() {
        return "llama-server in " + cache() + " (bash engines/llama-server/setup.sh, about 6 min on 2 idle cores)";
    }

    /** One model, no load control ({@code -m}); its model id is its name ({@code --alias}). */
    public static LlamaServer single(String model, int port, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("-m", cache().resolve("models/" + model + ".gguf").toString(),
                "--alias", model));
        args.addAll(List.of(extraArgs));
        return start(args, port, model);
    }

    /** Router mode over every generated model, holding at most {@code modelsMax} at once. */
    public static LlamaServer router(int modelsMax, int port, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--models-dir", cache().resolve("models").toString(),
                "--models-max", Integer.toString(modelsMax)));
        args.addAll(List.of(extraArgs));
        return start(args, port, "router");
    }

    private static LlamaServer start(List<String> args, int port, String name) {
        if (!installed()) {
            throw new IllegalStateException("llama-server is not installed in " + cache()
                    + "; run: bash engines/llama-server/setup.sh");
        }
        List<String> command = new ArrayList<>(List.of(cache().resolve("bin/llama-server").toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--threads", "1", "--no-webui"));
        command.addAll(args);
        Path log = cache().resolve("run").resolve(name + "-" + port + ".log");
        LlamaServer server = new LlamaServer(List.copyOf(command), port, log);
        server.launch();
        return server;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Its process id, for pinning it to a core ({@code taskset}). */
    public long pid() {
        return process.pid();
    }

    /** Where its log goes. */
    public Path log() {
        return log;
    }

    /** SIGKILL, as a crash: in-flight calls break, and nothing answers until {@link #restart}. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** Starts it again on the same port, empty (router mode: nothing loaded). */
    public void restart() {
        if (process.isAlive()) {
            kill();
        }
        launch();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: the router stops its children too
            waitFor();
        }
    }

    private void launch() {
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        awaitHealthy();
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(baseUrl().resolve("/health")).timeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("llama-server exited with " + process.exitValue() + " while starting;"
                        + " its log: " + log + tail());
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while llama-server started", e);
            }
            sleep(Duration.ofMillis(100));
        }
        close();
        throw new IllegalStateException("llama-server did not answer /health within " + START_TIMEOUT + "; its log: " + log);
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return System.lineSeparator() + String.join(System.lineSeparator(),
                    lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private void waitFor() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The engine's own version line, e.g. {@code version: 0.5.0-dev (build 1, commit de3ff81)}. */
    public static Optional<String> version() {
        try {
            Process version = new ProcessBuilder(cache().resolve("bin/llama-server").toString(), "--version")
                    .redirectErrorStream(true).start();
            String out = new String(version.getInputStream().readAllBytes()).lines()
                    .filter(line -> line.startsWith("version")).findFirst().orElse("");
            version.waitFor();
            return out.isEmpty() ? Optional.empty() : Optional.of(out);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
