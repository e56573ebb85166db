package dev.dmap.devkit.emulator;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of what the emulator has done since it started (counters survive
 * {@link LmStudioEmulator#crash()} and {@link LmStudioEmulator#restart()}; the loaded
 * instances do not). Maps are keyed by model key and sorted.
 *
 * @param loadsByModel           completed loads (explicit, JIT and preload); failed or refused loads are not counted
 * @param unloadsByModel         explicit unloads and JIT auto-evictions; instances lost in a crash are not counted
 * @param inferenceCallsByModel  chat, completion and embedding calls that named a catalogue model, faulted ones included
 * @param injectedFaults         injected error responses, dropped connections and failed loads
 * @param maxConcurrentByModel   the most calls of one model that were generating at the same time
 * @param maxInstancesOfOneModel the most loaded instances of any single model at one time (2 or more shows the
 *                               duplicate-instance behaviour that a well-behaved client avoids)
 * @param loadedInstanceIds      instance ids loaded now, e.g. {@code qwen2.5-7b-instruct}, {@code qwen2.5-7b-instruct:2}
 * @param recentTraceparents     the W3C {@code traceparent} headers of the latest inference calls that had one, oldest first
 */
public record EmulatorStats(Map<String, Integer> loadsByModel, Map<String, Integer> unloadsByModel,
                            Map<String, Integer> inferenceCallsByModel, int injectedFaults,
                            Map<String, Integer> maxConcurrentByModel, int maxInstancesOfOneModel,
                            List<String> loadedInstanceIds, List<String> recentTraceparents) {

    public EmulatorStats {
        loadsByModel = sorted(loadsByModel);
        unloadsByModel = sorted(unloadsByModel);
        inferenceCallsByModel = sorted(inferenceCallsByModel);
        maxConcurrentByModel = sorted(maxConcurrentByModel);
        loadedInstanceIds = List.copyOf(loadedInstanceIds);
        recentTraceparents = List.copyOf(recentTraceparents);
    }

    /** Completed loads of every model together. */
    public int totalLoads() {
        return loadsByModel.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Inference calls of every model together. */
    public int totalInferenceCalls() {
        return inferenceCallsByModel.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static Map<String, Integer> sorted(Map<String, Integer> map) {
        return Collections.unmodifiableMap(new TreeMap<>(map));
    }
}
