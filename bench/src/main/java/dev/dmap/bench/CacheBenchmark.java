package dev.dmap.bench;

import dev.dmap.client.BatchFile;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.ProgressListener;
import dev.dmap.client.Submitter;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.schemas.CacheControl;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.BackendSettings;
import dev.dmap.worker.config.BatchSettings;
import dev.dmap.worker.config.CacheSettings;
import dev.dmap.worker.config.DeliverySettings;
import dev.dmap.worker.config.KafkaSettings;
import dev.dmap.worker.config.RetrySettings;
import dev.dmap.worker.config.SchedulingSettings;
import dev.dmap.worker.config.WorkerConfig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code dmap bench cache}: a batch, then a second in which 90 % of the lines are the same and
 * 10 % changed (all for one of the three models), with the cache off and on, side by side on one
 * worker and the LM Studio EMULATOR; then the worker's local copy of the cache at a million
 * entries ({@link CacheAtScale}).
 */
final class CacheBenchmark {
    static final List<String> MODELS = List.of("qwen2.5-7b-instruct", "meta-llama-3.1-8b-instruct", "mistral-7b-instruct-v0.3");
    private static final Duration GIVE_UP = Duration.ofHours(2);
    static final int MEASURED_LINES = 300;

    /** One batch's run: backend calls, model loads, seconds from submit to its last outcome, cache hits. */
    record Run(String name, int requests, int calls, int loads, double seconds, long hits) {
    }

    /** The worker's time with the cache per request at intake, in microseconds. */
    record Lookup(long requests, double meanMicros, double p99Micros, double maxMicros) {
    }

    private final String bootstrapServers;
    private final double timeScale;
    private final PrintWriter progress;
    private final int requests;

    CacheBenchmark(String bootstrapServers, double timeScale, PrintWriter progress, int requests) {
        this.bootstrapServers = bootstrapServers;
        this.timeScale = timeScale;
        this.progress = progress;
        this.requests = requests;
    }

    void run(Path report, int entries) throws Exception {
        Path dir = Files.createTempDirectory("dmap-bench-cache-");
        Topics topics = new Topics("cache-" + Long.toHexString(System.nanoTime()));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<Run> runs = new ArrayList<>();
        try (LmStudioEmulator gpu = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(timeScale).build());
                Worker worker = Worker.start(workerConfig(topics, gpu, dir), registry)) {
            Path first = write(dir.resolve("first.jsonl"), false);
            Path second = write(dir.resolve("second.jsonl"), true);
            Path measured = writeMeasured(dir.resolve("measured.jsonl"));
            runs.add(batch(gpu, topics, "measured-a", measured, null, MEASURED_LINES));
            runs.add(batch(gpu, topics, "measured-b", measured, null, MEASURED_LINES));
            runs.add(batch(gpu, topics, "first", first, null));
            runs.add(batch(gpu, topics, "second-cache-off", second, new CacheControl(CacheControl.OFF, null)));
            runs.add(batch(gpu, topics, "second-cache-on", second, null));
        }
        Timer lookups = registry.find("dmap.cache.lookup").timer();
        Lookup lookup = new Lookup(lookups.count(), lookups.mean(TimeUnit.MICROSECONDS),
                lookups.takeSnapshot().percentileValues()[1].value(TimeUnit.MICROSECONDS), lookups.max(TimeUnit.MICROSECONDS));
        CacheAtScale.Figures scale = new CacheAtScale(bootstrapServers, progress).run(entries, dir.resolve("scale"));
        new CacheReport(timeScale, requests, runs, lookup, scale).writeInto(report);
    }

    private Run batch(LmStudioEmulator gpu, Topics topics, String name, Path file, CacheControl cache) {
        return batch(gpu, topics, name, file, cache, requests);
    }

    private Run batch(LmStudioEmulator gpu, Topics topics, String name, Path file, CacheControl cache, int requests) {
        int callsBefore = gpu.stats().totalInferenceCalls();
        int loadsBefore = gpu.stats().totalLoads();
        progress.printf("Cache: batch %s, %,d requests%s%n", name, requests, cache == null ? "" : " (cache " + cache.mode() + ")");
        progress.flush();
        Instant submitted = Instant.now();
        new Submitter(KafkaConnection.of(bootstrapServers, topics.prefix()), Clock.systemUTC()).submit(BatchFile.read(file),
                name, new Submitter.Options(null, null).withCache(cache), ProgressListener.NONE);
        Outcomes outcomes = Outcomes.await(bootstrapServers, topics, name, requests, GIVE_UP, progress);
        Run run = new Run(name, requests, gpu.stats().totalInferenceCalls() - callsBefore, gpu.stats().totalLoads() - loadsBefore,
                Duration.between(submitted, outcomes.lastCompletion()).toNanos() / 1e9, outcomes.cacheHits());
        progress.printf("  %,d backend calls, %d loads, %.1f s, %,d from the cache%n", run.calls(), run.loads(), run.seconds(),
                run.hits());
        progress.flush();
        return run;
    }

    /**
     * The issue's own measurement (2026-12-06: 300 backend calls for each of two submits): 200 distinct greedy
     * requests, 40 lines repeating 10 of them under new ids, 60 sampled with temperature 0.9.
     */
    private static Path writeMeasured(Path file) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            lines.add(measuredLine("d-" + i, "Question " + i, 0));
        }
        for (int i = 0; i < 40; i++) {
            lines.add(measuredLine("again-" + i, "Question " + (i % 10), 0));
        }
        for (int i = 0; i < 60; i++) {
            lines.add(measuredLine("sampled-" + i, "Question " + i, 0.9));
        }
        return Files.write(file, lines);
    }

    private static String measuredLine(String customId, String question, double temperature) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\""
                + MODELS.get(0) + "\",\"temperature\":" + temperature + ",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + question + "\"}]}}";
    }

    /** The batch: greedy chats over the three models in turn; in the second, the first 10 % of the first model's lines changed. */
    private Path write(Path file, boolean changed) throws Exception {
        List<String> lines = new ArrayList<>(requests);
        int toChange = requests / 10;
        for (int i = 0; i < requests; i++) {
            String model = MODELS.get(i % MODELS.size());
            boolean change = changed && i % MODELS.size() == 0 && i / MODELS.size() < toChange;
            lines.add("{\"custom_id\":\"r-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\""
                    + model + "\",\"temperature\":0,\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Summarise "
                    + "document " + i + (change ? ", revised" : "") + "\"}]}}");
        }
        return Files.write(file, lines);
    }

    private WorkerConfig workerConfig(Topics topics, LmStudioEmulator gpu, Path dir) {
        KafkaSettings kafka = KafkaSettings.of(bootstrapServers, topics.prefix() + "-workers", null, null, null, null, null,
                Map.of());
        BackendSettings backend = BackendSettings.defaults(gpu.baseUrl()).withUnloadCooldown(Duration.ofMillis(500));
        return new WorkerConfig("cache-bench-worker", topics, kafka, backend, RetrySettings.defaults(),
                SchedulingSettings.defaults(), DeliverySettings.defaults(), BatchSettings.withoutTracker(),
                WorkerConfig.DEFAULT_MAX_REQUEST_BYTES, CacheSettings.of(true, dir.resolve("worker-cache"), null, null));
    }
}
