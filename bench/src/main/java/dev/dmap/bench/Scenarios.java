package dev.dmap.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** The scheduling benchmark's scenarios (issue: model-aware scheduling). */
public final class Scenarios {
    /** 2 s loads, 3 s cooldown, about 50 ms per request, 4 slots: a 7B model on a mid-range GPU, sped up. */
    static final Scenario.Timings TIMINGS = new Scenario.Timings(Duration.ofSeconds(2), Duration.ofSeconds(3),
            Duration.ofMillis(20), 2000, 400, 8, 4);
    static final List<String> MODELS = List.of("qwen2.5-7b-instruct", "meta-llama-3.1-8b-instruct",
            "mistral-7b-instruct-v0.3", "gemma-2-9b-it", "phi-3.5-mini-instruct", "llama-3.2-3b-instruct",
            "deepseek-r1-distill-qwen-7b", "granite-3.1-8b-instruct");
    /** Requests a worker serves in the time a swap takes: (2 s + 3 s) x 4 slots / 55 ms. */
    static final long LOAD_COST = 360;
    private static final long SEED = 42;
    /** The batch that the file-like scenarios' requests belong to: submitted without a window, so 24 h. */
    static final String BATCH = "bench-file";
    /**
     * The bulk scenario's hardware: 5 s loads, 3 s cooldown, about 0.2 s per request (64 tokens
     * at 400 tokens/s), 4 slots: a 7B model on a mid-range GPU.
     */
    static final Scenario.Timings BULK_TIMINGS = new Scenario.Timings(Duration.ofSeconds(5), Duration.ofSeconds(3),
            Duration.ofMillis(20), 2000, 400, 64, 4);

    private Scenarios() {
    }

    /** (a) one worker, 4 models, requests interleaved uniformly. */
    static Scenario a(double size, double timeScale) {
        int total = (int) Math.round(2000 * size);
        List<Scenario.PlannedRequest> requests = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            requests.add(new Scenario.PlannedRequest(id(i), MODELS.get(i % 4), Duration.ZERO, BATCH));
        }
        return new Scenario("a", "1 worker, 4 models, requests interleaved uniformly", 1, requests, TIMINGS,
                Duration.ofMinutes(2), Duration.ofSeconds(30), LOAD_COST, timeScale, 2000);
    }

    /** (b) four workers, each GPU fits one model; 8 models with Zipf-skewed traffic. */
    static Scenario b(double size, double timeScale) {
        int total = (int) Math.round(8000 * size);
        double[] weights = new double[8];
        double sum = 0;
        for (int k = 0; k < 8; k++) {
            weights[k] = 1.0 / (k + 1);
            sum += weights[k];
        }
        Random random = new Random(SEED);
        List<Scenario.PlannedRequest> requests = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            double pick = random.nextDouble() * sum;
            int k = 0;
            while (pick > weights[k] && k < 7) {
                pick -= weights[k++];
            }
            requests.add(new Scenario.PlannedRequest(id(i), MODELS.get(k), Duration.ZERO, BATCH));
        }
        Collections.shuffle(requests, random);
        return new Scenario("b", "4 workers (one model per GPU), 8 models, Zipf-skewed traffic", 4, requests, TIMINGS,
                Duration.ofMinutes(2), Duration.ofSeconds(30), LOAD_COST, timeScale, 8000);
    }

    /** (c) a large batch for one model while a second model trickles in: the starvation check. */
    static Scenario c(double timeScale) {
        List<Scenario.PlannedRequest> requests = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            requests.add(new Scenario.PlannedRequest(id(i), MODELS.get(0), Duration.ZERO, BATCH));
        }
        for (int i = 0; i < 25; i++) {
            requests.add(new Scenario.PlannedRequest("trickle-" + i, MODELS.get(1), Duration.ofSeconds(1 + i), null));
        }
        return new Scenario("c", "a 2,000-request batch for one model, one request a second for another",
                1, requests, TIMINGS, Duration.ofSeconds(20), Duration.ofSeconds(10), LOAD_COST, timeScale, 2025);
    }

    /** bulk: one JSONL file of {@code total} requests for 4 models, interleaved, far longer than the online bound. */
    static Scenario bulk(int total, double timeScale) {
        return interleavedFile("bulk", String.format(java.util.Locale.ROOT,
                "1 worker, one %,d-request file for 4 models, interleaved", total), total, timeScale);
    }

    /** scale-out: the bulk file's work, to run on 1, 2 and 4 workers. */
    static Scenario scaleOut(int total, double timeScale) {
        return interleavedFile("scale-out", String.format(java.util.Locale.ROOT,
                "%,d requests for 4 models, interleaved", total), total, timeScale);
    }

    private static Scenario interleavedFile(String name, String title, int total, double timeScale) {
        List<Scenario.PlannedRequest> requests = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            requests.add(new Scenario.PlannedRequest(id(i), MODELS.get(i % 4), Duration.ZERO, BATCH));
        }
        return new Scenario(name, title, 1, requests, BULK_TIMINGS, Duration.ofMinutes(2), Duration.ofSeconds(30), LOAD_COST,
                timeScale, total);
    }

    private static String id(int i) {
        return String.format("r-%05d", i);
    }
}
