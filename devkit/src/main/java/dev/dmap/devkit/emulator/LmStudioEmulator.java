package dev.dmap.devkit.emulator;

import dev.dmap.schemas.DaemonThreads;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP server that behaves like LM Studio's server for everything dmap's worker uses; a
 * development and test tool, never a substitute for LM Studio. The memory, load and timing
 * model is described in {@link EmulatedResidency}, {@link ModelLoader} and {@link InferenceEngine}.
 *
 * <p>Emulator assumptions where LM Studio documents no status code (details in
 * {@link LmStudioErrors}): a load refused for memory ("insufficient system resources") and a
 * failing load answer <b>500</b> with {@code error.type = "model_load_failed"}; a call whose
 * model is unloaded under it answers <b>500</b> "Model unloaded."; unknown fields in a load
 * answer <b>400</b>; a malformed JSON body <b>400</b>; an unknown model in
 * {@code /api/v1/models/load} or {@code /api/v0/models/{id}} and an unknown instance in
 * {@code /api/v1/models/unload} answer <b>404</b>; "No models loaded" answers <b>400</b> (as in
 * LM Studio 0.4.8; 0.3.5 used 404).
 *
 * <p>What it answers and where each answer comes from: docs/emulator-contract.md.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver}, one thread per call from a cached pool:
 * a call spends nearly all its life waiting (for a slot or for simulated time), and waiting
 * threads cost little. Thread-safe.
 */
public final class LmStudioEmulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LmStudioEmulator.class);
    /** Pending connections the listener queues; enough for bursts of thousands of calls. */
    private static final int BACKLOG = 1024;

    static {
        // The JDK server writes headers and body in separate packets; with Nagle's algorithm on,
        // the client's delayed ACK adds about 40 ms to every keep-alive call. Read once, when the
        // first JDK HttpServer in the JVM is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final EmulatorConfig config;
    private final StatsRecorder stats = new StatsRecorder();
    private final ContentGenerator content;
    private final ExecutorService handlers = Executors.newCachedThreadPool(DaemonThreads.numbered("lmstudio-emulator-"));
    private final ScheduledExecutorService restarts =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("lmstudio-emulator-restart-"));
    private HttpServer server;
    private EmulatorRuntime runtime;
    private int port;
    private boolean closed;

    private LmStudioEmulator(EmulatorConfig config) {
        this.config = config;
        this.content = new ContentGenerator(config.seed());
        this.port = config.port();
        config.faults().seed(config.seed());
    }

    /** Starts listening; the server accepts calls when this returns. */
    public static LmStudioEmulator start(EmulatorConfig config) {
        LmStudioEmulator emulator = new LmStudioEmulator(config);
        synchronized (emulator) {
            emulator.listen();
        }
        return emulator;
    }

    /** The bound port (the chosen one when the configuration said 0); unchanged by crash and restart. */
    public synchronized int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT} (or the configured host when it is not a wildcard). */
    public URI baseUrl() {
        String host = config.host();
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            host = "127.0.0.1";
        }
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
    }

    /** The live fault switches. */
    public Faults faults() {
        return config.faults();
    }

    /** The configuration this emulator runs with (its {@link Faults} are the live ones). */
    public EmulatorConfig config() {
        return config;
    }

    /**
     * Stops abruptly: the listener and every open connection close at once, calls in progress
     * end without an answer, and every loaded model is lost. Connecting is refused until
     * {@link #restart()}. Does nothing when already down.
     */
    public synchronized void crash() {
        if (stopServer()) {
            log.warn("LM Studio emulator on port {} crashed (simulated); loaded models are lost", port);
        }
    }

    /** Listens again on the same port with nothing loaded, like a restarted LM Studio; crashes first if running. */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("the emulator is closed");
        }
        crash();
        listen();
        log.info("LM Studio emulator restarted on port {}", port);
    }

    public synchronized boolean running() {
        return server != null;
    }

    /** A snapshot of the counters and of what is loaded now. */
    public synchronized EmulatorStats stats() {
        return stats.snapshot(server == null ? List.of() : runtime.loadedInstanceIds());
    }

    /**
     * Loads a model at once, without HTTP, delay or faults, as if loaded with {@code lms load}
     * (never auto-evicted). A second call creates a second instance.
     *
     * @throws IllegalArgumentException for a key outside the catalogue
     * @throws IllegalStateException when the emulator is down or the model does not fit
     */
    public synchronized void preload(String modelKey) {
        EmulatedModel model = config.model(modelKey);
        if (model == null) {
            throw new IllegalArgumentException("not in the catalogue: " + modelKey);
        }
        if (server == null) {
            throw new IllegalStateException("the emulator is not running");
        }
        try {
            runtime.loader.loadNow(model);
        } catch (ApiException e) {
            throw new IllegalStateException("cannot preload " + modelKey + ": " + e.body(), e);
        }
    }

    /** Stops for good and releases the threads. */
    @Override
    public synchronized void close() {
        if (stopServer()) {
            log.info("LM Studio emulator on port {} stopped", port);
        }
        closed = true;
        restarts.shutdownNow();
        handlers.shutdownNow();
    }

    /** Crash now, restart after {@code down} of real time (the control surface's {@code /__emulator/crash}). */
    void crashFor(Duration down) {
        crash();
        restarts.schedule(this::restartIfDown, down.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void restartIfDown() {
        if (!closed && server == null) {
            listen();
            log.info("LM Studio emulator restarted on port {}", port);
        }
    }

    /** Closes the listener and every connection and aborts the run; false when already down. */
    private boolean stopServer() {
        if (server == null) {
            return false;
        }
        server.stop(0);
        server = null;
        runtime.abort();
        return true;
    }

    private void listen() {
        EmulatorRuntime next = new EmulatorRuntime(config, stats, content);
        ControlEndpoints control = new ControlEndpoints(this::stats, config.faults(), this::crashFor);
        try {
            HttpServer created = HttpServer.create(new InetSocketAddress(config.host(), port), BACKLOG);
            created.createContext("/", new RequestRouter(config, next, content, control));
            created.setExecutor(handlers);
            created.start();
            server = created;
            runtime = next;
            port = created.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + config.host() + ":" + port, e);
        }
        log.info("LM Studio EMULATOR (development and test tool, not LM Studio) listening on {}", baseUrl());
    }
}
