package dev.dmap.bench;

import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.schemas.MessageCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The careful user's offline script, the bulk scenario's yardstick: read the whole file, sort it
 * by model, load each model once, keep every slot busy, unload, next model. Straight to the
 * emulated GPU over HTTP: no Kafka, no worker, no cooldown, no retries.
 */
final class SortedScript {
    /** How the script's run went. */
    record Run(Duration makespan, int loads, int failed) {
    }

    private SortedScript() {
    }

    static Run run(Scenario scenario) throws Exception {
        Map<String, List<String>> byModel = new LinkedHashMap<>();
        for (Scenario.PlannedRequest request : scenario.requests()) {
            byModel.computeIfAbsent(request.model(), model -> new ArrayList<>())
                    .add(MessageCodec.mapper().writeValueAsString(BenchRunner.body(request, scenario.timings().maxTokens())));
        }
        HttpClient http = HttpClient.newHttpClient();
        try (LmStudioEmulator gpu = LmStudioEmulator.start(BenchRunner.emulator(scenario))) {
            URI server = gpu.baseUrl();
            long started = System.nanoTime();
            int failed = 0;
            for (Map.Entry<String, List<String>> model : byModel.entrySet()) {
                String instance = MessageCodec.mapper().readTree(post(http, server, "/api/v1/models/load",
                        "{\"model\":\"" + model.getKey() + "\"}")).path("instance_id").asString();
                failed += DirectLoad.send(server, "/v1/chat/completions", model.getValue(), scenario.timings().slots()).failed();
                post(http, server, "/api/v1/models/unload", "{\"instance_id\":\"" + instance + "\"}");
            }
            return new Run(Duration.ofNanos(System.nanoTime() - started), gpu.stats().totalLoads(), failed);
        }
    }

    private static String post(HttpClient http, URI server, String path, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
