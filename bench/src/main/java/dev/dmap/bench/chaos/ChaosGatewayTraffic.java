package dev.dmap.bench.chaos;

import dev.dmap.schemas.MessageCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * What a user of the gateway does during the faults, over HTTP as OpenAI's SDKs do: a chat call
 * every few seconds, and a small batch (upload, create) every half minute, each followed to its end
 * and its output and error files downloaded. Whether the gateway rode through: every call got an
 * answer (a result, or a clear refusal while Kafka was away: counted by status), and every batch it
 * took ended with every line in its files.
 */
final class ChaosGatewayTraffic {
    static final int BATCH_LINES = 10;
    private static final Duration BETWEEN_CALLS = Duration.ofSeconds(3);
    private static final Duration BETWEEN_BATCHES = Duration.ofSeconds(30);
    /** Longer than any fault: a call left without an answer this long is one the gateway lost. */
    private static final Duration ANSWER_WITHIN = Duration.ofMinutes(5);

    private final URI api;
    private final Random random;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicInteger maybePublished = new AtomicInteger();
    private final Map<Integer, Integer> refusedByStatus = new ConcurrentHashMap<>();
    /** Batches the gateway took, by id: each must end with all its lines in its files. */
    private final Set<String> batches = ConcurrentHashMap.newKeySet();
    private final Set<String> collected = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    ChaosGatewayTraffic(URI api, long seed) {
        this.api = api;
        this.random = new Random(seed ^ 0x6A7E);
    }

    void start() {
        threads.add(new Thread(this::makeCalls, "chaos-gateway-calls"));
        threads.add(new Thread(this::createBatches, "chaos-gateway-batches"));
        threads.forEach(Thread::start);
    }

    private void makeCalls() {
        while (running) {
            String body = "{\"model\":\"" + model() + "\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"a gateway call\"}]}";
            try {
                HttpResponse<String> response = http.send(json("chat/completions", body).timeout(ANSWER_WITHIN).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    answered.incrementAndGet();
                } else {
                    refusedByStatus.merge(response.statusCode(), 1, Integer::sum);
                    if (response.statusCode() == 503 || response.statusCode() == 504) {
                        maybePublished.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                unanswered.incrementAndGet();
                System.err.println("chaos: a gateway call got no answer: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pause(BETWEEN_CALLS);
        }
    }

    private void createBatches() {
        for (int n = 1; running; n++) {
            try {
                String fileId = upload("gateway-b" + n);
                HttpResponse<String> created = http.send(json("batches", "{\"input_file_id\":\"" + fileId
                        + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}").build(), HttpResponse.BodyHandlers.ofString());
                if (created.statusCode() == 200) {
                    batches.add(MessageCodec.mapper().readTree(created.body()).path("id").asString());
                } else {
                    refusedByStatus.merge(created.statusCode(), 1, Integer::sum);
                }
            } catch (IOException | IllegalStateException e) {
                System.err.println("chaos: a gateway batch was not taken (tried again later): " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pause(BETWEEN_BATCHES);
        }
    }

    /** Uploads a batch file; its id. */
    private String upload(String name) throws IOException, InterruptedException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < BATCH_LINES; i++) {
            lines.append("{\"custom_id\":\"").append(name).append("-").append(i).append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",")
                    .append("\"body\":{\"model\":\"").append(model()).append("\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",")
                    .append("\"content\":\"").append(name).append(" line ").append(i).append("\"}]}}\n");
        }
        String boundary = "chaos" + UUID.randomUUID().toString().replace("-", "");
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + ".jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n" + lines + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve("files")).timeout(ANSWER_WITHIN)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(multipart, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            refusedByStatus.merge(response.statusCode(), 1, Integer::sum);
            throw new IllegalStateException("upload answered " + response.statusCode());
        }
        return MessageCodec.mapper().readTree(response.body()).path("id").asString();
    }

    /**
     * Looks at every batch the gateway took and not yet collected: one that has ended has its output
     * and error files downloaded and its lines counted. True when all are collected with all their lines.
     */
    boolean allCollected() {
        for (String batch : batches) {
            if (collected.contains(batch)) {
                continue;
            }
            try {
                JsonNode state = get("batches/" + batch);
                if (state != null && Set.of("completed", "failed", "expired", "cancelled").contains(state.path("status").asString())
                        && lines(state.path("output_file_id")) + lines(state.path("error_file_id")) == BATCH_LINES) {
                    collected.add(batch);
                }
            } catch (IOException e) {
                // the gateway did not answer now: looked at again next time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return collected.containsAll(batches);
    }

    private long lines(JsonNode fileId) throws IOException, InterruptedException {
        if (!fileId.isString()) {
            return 0;
        }
        HttpResponse<String> content = http.send(HttpRequest.newBuilder(api.resolve("files/" + fileId.asString() + "/content"))
                .timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofString());
        return content.statusCode() == 200 ? content.body().lines().filter(line -> !line.isBlank()).count() : 0;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofMinutes(1)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? MessageCodec.mapper().readTree(response.body()) : null;
    }

    private HttpRequest.Builder json(String path, String body) {
        return HttpRequest.newBuilder(api.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    private String model() {
        synchronized (random) {
            return ChaosTraffic.MODELS.get(random.nextInt(ChaosTraffic.MODELS.size()));
        }
    }

    private void pause(Duration length) {
        try {
            Thread.sleep(length.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** No new calls or batches; waits for the calls in flight to be answered. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(ANSWER_WITHIN.plusMinutes(1).toMillis());
        }
    }

    int answered() {
        return answered.get();
    }

    int unanswered() {
        return unanswered.get();
    }

    /**
     * Calls the gateway answered 503 or 504: Kafka away, or the call's timeout passed. Their request
     * may have landed all the same (a publish that timed out may still arrive): each may end once,
     * as a dead letter {@code deadline_exceeded} when its deadline passed first.
     */
    int maybePublished() {
        return maybePublished.get();
    }

    Map<Integer, Integer> refusedByStatus() {
        return new TreeMap<>(refusedByStatus);
    }

    Set<String> batches() {
        return batches;
    }

    Set<String> collected() {
        return collected;
    }
}
