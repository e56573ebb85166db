package dev.dmap.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.devkit.net.FreePorts;
import dev.dmap.gateway.app.GatewayApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The gateway as {@code ./dmap gateway} runs it, in a JVM of its own, so that a test can SIGKILL it or see it exit. */
final class GatewayProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final String baseUrl;

    private GatewayProcess(Process process, Path log, String baseUrl) {
        this.process = process;
        this.log = log;
        this.baseUrl = baseUrl;
    }

    /** Starts a gateway on a free port with these further options; {@link #awaitUp} waits until it answers. */
    static GatewayProcess start(Path log, String... options) throws IOException {
        int port = FreePorts.next();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), GatewayApplication.class.getName(), "--port", String.valueOf(port)));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new GatewayProcess(process, log, "http://127.0.0.1:" + port + "/v1");
    }

    /** Waits until the gateway's {@code /health} answers {@code up}; fails if the process ends first. */
    GatewayProcess awaitUp() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        await("the gateway at " + baseUrl + " to answer").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IOException.class).until(() -> {
                    assertThat(process.isAlive()).as("gateway process (log %s)", log).isTrue();
                    HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(baseUrl.replace("/v1", "/health")))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    return health.statusCode() == 200 && health.body().contains("\"status\":\"up\"");
                });
        return this;
    }

    /** Waits for the process to exit on its own and returns its exit code. */
    int awaitExit() throws InterruptedException {
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the gateway to exit (log %s)", log).isTrue();
        return process.exitValue();
    }

    String baseUrl() {
        return baseUrl;
    }

    Path log() {
        return log;
    }

    /** SIGKILL: no shutdown hook, no flush. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
