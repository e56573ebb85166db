package dev.dmap.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.IntFunction;

/**
 * The online benchmark's ramp: concurrent calls, all sent at once, at each level to 1,000, direct and through
 * dmap, with the heap after GC around each; then whether the heap stays flat over another 1,000 calls.
 */
final class OnlineRamp {
    static final List<Integer> LEVELS = List.of(100, 250, 500, 1000);
    /** Longer than the gateway's keep-alive timeout (20 s): the ramp's connections, each with its buffers, are closed. */
    private static final Duration SETTLE = Duration.ofSeconds(25);

    /** One step. */
    record Step(String path, int concurrent, int answered, int failed, double p95, double heapBeforeMb, double heapAfterMb,
            String failures) {
    }

    /**
     * @param settledHeapMb the heap once the steps' connections closed
     * @param againHeapMb   the same after another 1,000 calls through dmap: pools fill once, flat means no growth
     */
    record Result(List<Step> steps, double settledHeapMb, double againHeapMb) {
    }

    private OnlineRamp() {
    }

    /** @param body the body of the i-th call of a step */
    static Result run(URI direct, URI dmap, IntFunction<String> body, PrintWriter progress) throws Exception {
        List<Step> steps = new ArrayList<>();
        for (int concurrent : LEVELS) {
            for (URI server : List.of(direct, dmap)) {
                String path = server == direct ? "direct" : "dmap";
                progress.printf("  ramp: %d concurrent calls %s%n", concurrent, path);
                progress.flush();
                steps.add(step(path, server, concurrent, body));
            }
        }
        Thread.sleep(SETTLE.toMillis());
        double settled = heapAfterGcMb();
        step("dmap", dmap, 1000, body);
        Thread.sleep(SETTLE.toMillis());
        return new Result(steps, settled, heapAfterGcMb());
    }

    /**
     * {@code concurrent} calls sent at once by a client of its own, as that many callers would be: no pooled connection the
     * server is about to close after its keep-alive timeout (a POST sent on one fails, and the HTTP client does not retry it).
     */
    private static Step step(String path, URI server, int concurrent, IntFunction<String> body) throws Exception {
        double before = heapAfterGcMb();
        HttpClient callers = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();
        Map<String, Integer> reasons = new ConcurrentSkipListMap<>();
        List<CompletableFuture<Double>> running = new ArrayList<>();
        for (int i = 0; i < concurrent; i++) {
            long started = System.nanoTime();
            running.add(callers.sendAsync(TimedCalls.request(server, body.apply(i)), HttpResponse.BodyHandlers.discarding())
                    .thenApply(response -> {
                        if (response.statusCode() == 200) {
                            return (System.nanoTime() - started) / 1e9;
                        }
                        reasons.merge("HTTP " + response.statusCode(), 1, Integer::sum);
                        return -1.0;
                    })
                    .exceptionally(error -> {
                        reasons.merge((error.getCause() == null ? error : error.getCause()).getClass().getSimpleName(), 1, Integer::sum);
                        return -1.0;
                    }));
        }
        Latencies latencies = new Latencies();
        int failed = 0;
        for (CompletableFuture<Double> call : running) {
            double seconds = call.get();
            if (seconds < 0) {
                failed++;
            } else {
                latencies.add(seconds);
            }
        }
        return new Step(path, concurrent, concurrent - failed, failed, latencies.percentile(95), before, heapAfterGcMb(),
                reasons.toString());
    }

    static double heapAfterGcMb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
    }
}
