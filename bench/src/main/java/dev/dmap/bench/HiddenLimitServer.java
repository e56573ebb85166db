package dev.dmap.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dmap.schemas.DaemonThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An <b>emulated</b> plain OpenAI-compatible server (like vLLM: {@code /v1/models} and
 * {@code /v1/chat/completions}, no slots reported) whose throughput peaks at a concurrency it does
 * not tell: the calls in flight share its work (processor sharing); with {@code c} in flight it
 * completes {@code single x c / (1 + 0.05 (c - 1))} calls a second up to the peak, and past it
 * loses 5 % of the peak's throughput for each further call (a full KV cache: preemption and
 * recompute), down to 30 %.
 */
final class HiddenLimitServer implements AutoCloseable {
    static final String MODEL = "hidden-limit-model";
    private static final long TICK_MICROS = 2_000;
    private static final byte[] ANSWER = ("{\"id\":\"chatcmpl-emulated\",\"object\":\"chat.completion\",\"created\":0,"
            + "\"model\":\"" + MODEL + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"(emulated) ok\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":4,"
            + "\"total_tokens\":16}}").getBytes(StandardCharsets.UTF_8);
    private static final byte[] MODELS = ("{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL
            + "\",\"object\":\"model\",\"owned_by\":\"emulator\"}]}").getBytes(StandardCharsets.UTF_8);

    private final double single;
    private final int peak;
    private final HttpServer http;
    private final ExecutorService handlers = Executors.newCachedThreadPool(DaemonThreads.numbered("hidden-limit-http-"));
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("hidden-limit-tick"));
    private final List<Call> active = new ArrayList<>();
    private long inFlightTicks;
    private long ticks;

    private static final class Call {
        double done;
        final CountDownLatch finished = new CountDownLatch(1);
    }

    /**
     * @param single calls a second the server completes with one in flight
     * @param peak   the concurrency of its highest throughput, which it does not report
     */
    HiddenLimitServer(double single, int peak) throws IOException {
        this.single = single;
        this.peak = peak;
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true"); // else Nagle holds each answer's body for 40 ms
        }
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        http.createContext("/v1/models", exchange -> answer(exchange, MODELS));
        http.createContext("/v1/chat/completions", this::complete);
        http.setExecutor(handlers);
        http.start();
        ticker.scheduleAtFixedRate(this::tick, TICK_MICROS, TICK_MICROS, TimeUnit.MICROSECONDS);
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    /** Calls a second with {@code inFlight} calls sharing the server. */
    double throughput(int inFlight) {
        if (inFlight <= 0) {
            return 0;
        }
        double rising = single * inFlight / (1 + 0.05 * (inFlight - 1));
        if (inFlight <= peak) {
            return rising;
        }
        double best = throughput(peak);
        return best * Math.max(0.3, 1 - 0.05 * (inFlight - peak));
    }

    /** The mean number of calls in flight since the last reading, and starts a new reading. */
    synchronized double meanInFlight() {
        double mean = ticks == 0 ? 0 : inFlightTicks / (double) ticks;
        inFlightTicks = 0;
        ticks = 0;
        return mean;
    }

    private void complete(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        Call call = new Call();
        synchronized (this) {
            active.add(call);
        }
        try {
            call.finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
            return;
        }
        answer(exchange, ANSWER);
    }

    private synchronized void tick() {
        int inFlight = active.size();
        ticks++;
        inFlightTicks += inFlight;
        if (inFlight == 0) {
            return;
        }
        double share = throughput(inFlight) / inFlight * TICK_MICROS / 1e6;
        for (Iterator<Call> calls = active.iterator(); calls.hasNext(); ) {
            Call call = calls.next();
            call.done += share;
            if (call.done >= 1) {
                calls.remove();
                call.finished.countDown();
            }
        }
    }

    private static void answer(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        ticker.shutdownNow();
        handlers.shutdownNow();
    }
}
