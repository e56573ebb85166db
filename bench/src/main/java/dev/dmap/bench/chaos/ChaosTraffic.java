package dev.dmap.bench.chaos;

import dev.dmap.client.BatchFile;
import dev.dmap.client.ClientException;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.Submitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mixed stream the fleet serves while it is broken: a batch every few seconds (four models,
 * long and short generations interleaved), submitted again under the same id until Kafka takes it,
 * and a steady trickle of online calls ({@link ChaosCalls}), while
 * each batch is collected into files as {@code dmap collect} does: the pieces the CLI and the
 * gateway stand on, riding through the faults. It remembers every request Kafka confirmed, the
 * calls whose publishing was not confirmed (they may or may not have landed), the calls answered
 * and the batches collected.
 */
final class ChaosTraffic implements AutoCloseable {
    static final List<String> MODELS = List.of("qwen2.5-7b-instruct", "meta-llama-3.1-8b-instruct",
            "mistral-7b-instruct-v0.3", "google/gemma-3-4b");
    private static final int BATCH_LINES = 200;
    private static final Duration BETWEEN_BATCHES = Duration.ofSeconds(15);

    private final KafkaConnection kafka;
    private final Path dir;
    private final Random random;
    private final Clock clock;
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    private final Set<String> unconfirmed = ConcurrentHashMap.newKeySet();
    private final Set<String> batches = ConcurrentHashMap.newKeySet();
    private final ChaosCollector collector;
    private final ChaosCalls calls;
    /** When the submit in progress started, or null between submits: a submit must end (with or without success). */
    private volatile Instant submitting;
    private Thread batchThread;
    private volatile boolean running = true;

    ChaosTraffic(KafkaConnection kafka, Path dir, long seed, Clock clock) {
        this.kafka = kafka;
        this.dir = dir;
        this.random = new Random(seed ^ 0x5DEECE66DL);
        this.clock = clock;
        this.collector = new ChaosCollector(kafka, dir, BATCH_LINES);
        this.calls = new ChaosCalls(kafka, seed, clock, confirmed, unconfirmed);
    }

    void start() {
        batchThread = new Thread(this::submitBatches, "chaos-batches");
        batchThread.start();
        calls.start();
        collector.start();
    }

    private void submitBatches() {
        Submitter submitter = new Submitter(kafka, clock);
        for (int n = 1; running; n++) {
            String batchId = "chaos-b" + n;
            try {
                BatchFile file = BatchFile.read(write(batchId));
                while (running) {
                    submitting = clock.instant();
                    try {
                        submitter.submit(file, batchId);
                        batches.add(batchId);
                        collector.submitted(batchId);
                        file.forEachRequest(request -> confirmed.add(batchId + ":" + request.customId()));
                        break;
                    } catch (ClientException e) {
                        pause(Duration.ofSeconds(2)); // Kafka away: the same id again publishes nothing twice
                    } catch (RuntimeException e) { // not the client library's contract: say so, and go on
                        System.err.println("chaos: submit of " + batchId + " failed outside ClientException: " + e);
                        pause(Duration.ofSeconds(2));
                    } finally {
                        submitting = null;
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot write batch " + batchId + " in " + dir, e);
            }
            pause(BETWEEN_BATCHES);
        }
    }

    private Path write(String batchId) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < BATCH_LINES; i++) {
            String model = MODELS.get(random.nextInt(MODELS.size()));
            int tokens = random.nextInt(4) == 0 ? 200 : 8;
            lines.add("{\"custom_id\":\"r-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\""
                    + model + "\",\"max_tokens\":" + tokens + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + batchId
                    + " line " + i + "\"}]}}");
        }
        Path file = dir.resolve(batchId + ".jsonl");
        Files.write(file, lines);
        return file;
    }

    private void pause(Duration length) {
        try {
            Thread.sleep(length.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Requests Kafka confirmed: each must end exactly once. */
    Set<String> confirmed() {
        return confirmed;
    }

    /** Calls whose publishing was not confirmed: each may end at most once. */
    Set<String> unconfirmed() {
        return unconfirmed;
    }

    Set<String> batches() {
        return batches;
    }

    /** The online calls among the requests. */
    ChaosCalls calls() {
        return calls;
    }

    /** A submit that has not ended for this long hangs: the client library must answer within its timeouts. */
    static final Duration SUBMIT_HANGS_AFTER = Duration.ofMinutes(5);

    /**
     * Where the submit in progress hangs (its thread's stack), when it has run for longer than
     * {@link #SUBMIT_HANGS_AFTER}; empty otherwise.
     */
    java.util.Optional<String> hangingSubmit() {
        Instant started = submitting;
        if (started == null || !clock.instant().isAfter(started.plus(SUBMIT_HANGS_AFTER))) {
            return java.util.Optional.empty();
        }
        StringBuilder stack = new StringBuilder("a submit started at " + started + " has not ended:");
        for (StackTraceElement frame : batchThread.getStackTrace()) {
            stack.append("\n    at ").append(frame);
        }
        return java.util.Optional.of(stack.toString());
    }

    /** Batches whose every line is in the files a collect wrote. */
    Set<String> collected() {
        return collector.collected();
    }

    /** How many times a collect failed and was resumed. */
    int collectFailures() {
        return collector.failures();
    }

    /** No new batches or calls; the caller still reads the replies of the calls it made, until {@link #close}. */
    void stop() throws InterruptedException {
        running = false;
        calls.stop();
        batchThread.join(Duration.ofMinutes(2).toMillis());
    }

    /** Stops, and closes the caller. */
    @Override
    public void close() throws InterruptedException {
        stop();
        calls.close();
        collector.close();
    }
}
