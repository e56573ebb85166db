package dev.dmap.worker.scheduling;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** A worker's state for strategy tests, set by hand; started items count as in flight until finished. */
final class FakeDispatchState implements DispatchState {
    final Map<String, Integer> inFlight = new HashMap<>();
    final Map<String, Long> lag = new HashMap<>();
    final Set<String> loaded = new HashSet<>();
    final Map<String, Instant> arrivals = new HashMap<>();
    final Set<String> missing = new HashSet<>();
    int slots = 2;
    int maxLoaded = 1;

    @Override
    public int inFlight(String model) {
        return inFlight.getOrDefault(model, 0);
    }

    @Override
    public int slots(String model) {
        return slots;
    }

    @Override
    public Set<String> busyModels() {
        return Set.copyOf(inFlight.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toList());
    }

    @Override
    public int maxLoadedModels() {
        return maxLoaded;
    }

    @Override
    public long lag(String model) {
        return lag.getOrDefault(model, 0L);
    }

    @Override
    public boolean isLoaded(String model) {
        return loaded.contains(model);
    }

    @Override
    public boolean isMissing(String model) {
        return missing.contains(model);
    }

    @Override
    public Instant lastArrival(String model) {
        return arrivals.getOrDefault(model, Instant.MIN);
    }
}
