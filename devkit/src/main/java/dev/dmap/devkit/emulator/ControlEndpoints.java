package dev.dmap.devkit.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The emulator's own control surface under {@code /__emulator/}, kept apart from everything
 * LM Studio has, so tools in other processes (benchmarks, the CLI) can read counters, switch
 * faults and crash the server. Never behind the API key. JSON fields are snake_case.
 */
final class ControlEndpoints {
    static final String PREFIX = "/__emulator/";

    private final Supplier<EmulatorStats> stats;
    private final Faults faults;
    private final Consumer<Duration> crashFor;

    /**
     * @param crashFor crashes now and restarts after the given real (unscaled) time; runs after the answer is sent
     */
    ControlEndpoints(Supplier<EmulatorStats> stats, Faults faults, Consumer<Duration> crashFor) {
        this.stats = stats;
        this.faults = faults;
        this.crashFor = crashFor;
    }

    /** {@code GET /__emulator/stats}. */
    Reply stats() {
        EmulatorStats snapshot = stats.get();
        ObjectNode body = Json.object();
        putCounts(body, "loads_by_model", snapshot.loadsByModel());
        putCounts(body, "unloads_by_model", snapshot.unloadsByModel());
        putCounts(body, "inference_calls_by_model", snapshot.inferenceCallsByModel());
        body.put("injected_faults", snapshot.injectedFaults());
        putCounts(body, "max_concurrent_by_model", snapshot.maxConcurrentByModel());
        body.put("max_instances_of_one_model", snapshot.maxInstancesOfOneModel());
        snapshot.loadedInstanceIds().forEach(body.putArray("loaded_instance_ids")::add);
        body.put("total_loads", snapshot.totalLoads());
        body.put("total_inference_calls", snapshot.totalInferenceCalls());
        return Reply.ok(body);
    }

    /** {@code GET /__emulator/faults}: the current switches. */
    Reply faults() {
        ObjectNode body = Json.object();
        body.put("server_error_rate", faults.serverErrorRate());
        body.put("server_error_status", faults.serverErrorStatus());
        body.put("drop_rate", faults.dropRate());
        faults.failingLoads().forEach(body.putArray("fail_loads")::add);
        body.put("load_slowdown", faults.loadSlowdown());
        body.put("fail_next", faults.pendingFailures());
        return Reply.ok(body);
    }

    /**
     * {@code POST /__emulator/faults} with any of {@code reset} (applied first),
     * {@code server_error_rate}, {@code server_error_status}, {@code drop_rate}, {@code fail_loads}
     * (replaces the list), {@code load_slowdown}, {@code fail_next: {count, status}}.
     * Answers the resulting switches; 400 when a value is out of range.
     */
    Reply setFaults(HttpExchange exchange) throws IOException {
        ObjectNode body = HttpIo.readObject(exchange);
        try {
            apply(body);
        } catch (IllegalArgumentException | JacksonException e) {
            throw LmStudioErrors.badRequest("invalid fault setting: " + e.getMessage(), null);
        }
        return faults();
    }

    /** {@code POST /__emulator/crash?down_ms=N}: answers 200, then crashes; restarts after N real ms (default 0). */
    Reply crash(HttpExchange exchange) {
        long downMillis = queryLong(exchange.getRequestURI().getQuery(), "down_ms", 0);
        ObjectNode body = Json.object();
        body.put("crashing", true);
        body.put("down_ms", downMillis);
        return new Reply(200, body, () -> crashFor.accept(Duration.ofMillis(downMillis)));
    }

    private void apply(JsonNode body) {
        if (body.path("reset").asBoolean(false)) {
            faults.reset();
        }
        if (body.has("server_error_rate")) {
            faults.serverErrorRate(body.path("server_error_rate").asDouble());
        }
        if (body.has("server_error_status")) {
            faults.serverErrorStatus(body.path("server_error_status").asInt());
        }
        if (body.has("drop_rate")) {
            faults.dropRate(body.path("drop_rate").asDouble());
        }
        if (body.has("load_slowdown")) {
            faults.loadSlowdown(body.path("load_slowdown").asDouble());
        }
        if (body.path("fail_loads").isArray()) {
            faults.clearFailLoads();
            body.path("fail_loads").values().forEach(key -> faults.failLoads(key.asString()));
        }
        JsonNode failNext = body.path("fail_next");
        if (failNext.isObject()) {
            faults.failNext(failNext.path("count").asInt(1), failNext.path("status").asInt(503));
        }
    }

    private static void putCounts(ObjectNode body, String field, Map<String, Integer> counts) {
        ObjectNode node = body.putObject(field);
        counts.forEach(node::put);
    }

    private static long queryLong(String query, String name, long fallback) {
        if (query == null) {
            return fallback;
        }
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2 && kv[0].equals(name)) {
                try {
                    return Math.max(0, Long.parseLong(kv[1]));
                } catch (NumberFormatException e) {
                    throw LmStudioErrors.badRequest(name + " must be a whole number of milliseconds", name);
                }
            }
        }
        return fallback;
    }
}
