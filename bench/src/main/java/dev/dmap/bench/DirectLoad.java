package dev.dmap.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The baseline of the benchmarks: request bodies sent straight to the server in arrival order by
 * {@code concurrency} callers, no Kafka, no worker, no retries; a failed call counts.
 */
final class DirectLoad {
    /** How a direct run went. */
    record Run(Duration took, int failed) {
    }

    private DirectLoad() {
    }

    /** {@code total} copies of one small chat request to {@code model}. */
    static Run repeat(URI server, String model, int total, int concurrency) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Benchmark request: summarise why batching matters.\"}]}";
        return send(server, "/v1/chat/completions", java.util.Collections.nCopies(total, body), concurrency);
    }

    static Run send(URI server, String path, List<String> bodies, int concurrency) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(concurrency);
        long started = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                futures.add(callers.submit(() -> {
                    for (int n = next.getAndIncrement(); n < bodies.size(); n = next.getAndIncrement()) {
                        HttpRequest request = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofMinutes(5))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(bodies.get(n))).build();
                        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            return new Run(Duration.ofNanos(System.nanoTime() - started), failed.get());
        } finally {
            callers.shutdownNow();
        }
    }
}
