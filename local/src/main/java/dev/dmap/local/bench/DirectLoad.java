package dev.dmap.local.bench;

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
 * The baseline: a plain HTTP load generator that sends chat completions straight to the
 * backend with a fixed number of concurrent callers, no Kafka, no worker.
 */
final class DirectLoad {
    private DirectLoad() {
    }

    /** @return wall time for {@code total} requests */
    static Duration run(URI backend, String model, int total, int concurrency) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Benchmark request: summarise why batching matters.\"}]}";
        HttpRequest request = HttpRequest.newBuilder(backend.resolve("/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        AtomicInteger remaining = new AtomicInteger(total);
        ExecutorService callers = Executors.newFixedThreadPool(concurrency);
        long started = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                futures.add(callers.submit(() -> {
                    while (remaining.getAndDecrement() > 0) {
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("backend answered " + response.statusCode());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            return Duration.ofNanos(System.nanoTime() - started);
        } finally {
            callers.shutdownNow();
        }
    }
}
