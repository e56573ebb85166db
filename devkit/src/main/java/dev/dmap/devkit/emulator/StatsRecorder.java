package dev.dmap.devkit.emulator;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/** Thread-safe counters behind {@link EmulatorStats}; lives as long as the emulator, across crashes. */
final class StatsRecorder {
    static final int TRACEPARENTS_KEPT = 1000;

    private final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> unloads = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxActive = new ConcurrentHashMap<>();
    private final AtomicInteger injectedFaults = new AtomicInteger();
    private final AtomicInteger maxInstances = new AtomicInteger();
    private final java.util.Deque<String> traceparents = new java.util.ArrayDeque<>();

    /** A load of {@code modelKey} completed; {@code loadedInstancesOfModel} counts it. */
    void loaded(String modelKey, int loadedInstancesOfModel) {
        counter(loads, modelKey).incrementAndGet();
        maxInstances.accumulateAndGet(loadedInstancesOfModel, Math::max);
    }

    void unloaded(String modelKey) {
        counter(unloads, modelKey).incrementAndGet();
    }

    void inferenceCall(String modelKey) {
        counter(calls, modelKey).incrementAndGet();
    }

    /** An inference call carried this W3C {@code traceparent}; the last {@value #TRACEPARENTS_KEPT} are kept. */
    void traceparent(String value) {
        synchronized (traceparents) {
            traceparents.addLast(value);
            if (traceparents.size() > TRACEPARENTS_KEPT) {
                traceparents.removeFirst();
            }
        }
    }

    void injectedFault() {
        injectedFaults.incrementAndGet();
    }

    void generationStarted(String modelKey) {
        int now = counter(active, modelKey).incrementAndGet();
        counter(maxActive, modelKey).accumulateAndGet(now, Math::max);
    }

    void generationFinished(String modelKey) {
        counter(active, modelKey).decrementAndGet();
    }

    EmulatorStats snapshot(List<String> loadedInstanceIds) {
        List<String> traces;
        synchronized (traceparents) {
            traces = List.copyOf(traceparents);
        }
        return new EmulatorStats(values(loads), values(unloads), values(calls), injectedFaults.get(),
                values(maxActive), maxInstances.get(), loadedInstanceIds, traces);
    }

    private static AtomicInteger counter(Map<String, AtomicInteger> map, String key) {
        return map.computeIfAbsent(key, k -> new AtomicInteger());
    }

    private static Map<String, Integer> values(Map<String, AtomicInteger> map) {
        return map.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
    }
}
