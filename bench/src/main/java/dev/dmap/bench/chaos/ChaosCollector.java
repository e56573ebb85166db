package dev.dmap.bench.chaos;

import dev.dmap.client.Collector;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.OutputFiles;
import dev.dmap.client.ProgressListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Collects each submitted batch into files as {@code dmap collect} does, one after the other,
 * through the faults: a collect that fails is counted and resumed (its files keep what it wrote),
 * until the batch is complete in its files.
 */
final class ChaosCollector implements AutoCloseable {
    private final KafkaConnection kafka;
    private final Path dir;
    private final int lines;
    private final BlockingQueue<String> toCollect = new LinkedBlockingQueue<>();
    private final Set<String> collected = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failures = new AtomicInteger();
    private final Thread thread;
    private volatile boolean collecting = true;

    /** @param lines the lines of every batch */
    ChaosCollector(KafkaConnection kafka, Path dir, int lines) {
        this.kafka = kafka;
        this.dir = dir;
        this.lines = lines;
        this.thread = new Thread(this::collectBatches, "chaos-collect");
    }

    void start() {
        thread.start();
    }

    /** A batch Kafka took: collect it. */
    void submitted(String batchId) {
        toCollect.add(batchId);
    }

    /** Batches whose every line is in the files a collect wrote. */
    Set<String> collected() {
        return collected;
    }

    /** How many times a collect failed and was resumed. */
    int failures() {
        return failures.get();
    }

    private void collectBatches() {
        Collector collector = new Collector(kafka);
        try {
            while (collecting) {
                String batchId = toCollect.poll(1, TimeUnit.SECONDS);
                while (batchId != null && collecting) {
                    try {
                        OutputFiles files = new OutputFiles(dir.resolve(batchId + ".output.jsonl"), dir.resolve(batchId + ".errors.jsonl"));
                        if (collector.collect(batchId, files, Collector.Options.DEFAULT.withPatience(Duration.ofSeconds(30)),
                                ProgressListener.NONE).complete() && lines(files) == lines) {
                            collected.add(batchId);
                            batchId = null;
                        }
                    } catch (RuntimeException e) { // ClientException or anything else: a caller would see it
                        failures.incrementAndGet();
                        System.err.println("chaos: collect of " + batchId + " failed: " + e);
                        Thread.sleep(2_000);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long lines(OutputFiles files) {
        try (var output = Files.lines(files.output()); var errors = Files.lines(files.errors())) {
            return output.count() + errors.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        collecting = false;
        thread.join(Duration.ofMinutes(1).toMillis());
    }
}
