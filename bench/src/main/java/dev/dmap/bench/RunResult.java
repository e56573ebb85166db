package dev.dmap.bench;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One strategy's run of a scenario.
 *
 * @param strategy      {@code fifo} or {@code affinity}
 * @param measurements  one per request
 * @param loadsByWorker model loads per worker (from each emulated GPU)
 * @param workersReady  when the workers were started
 * @param deadLetters   requests that failed (a healthy run has none)
 */
public record RunResult(String strategy, List<Measurement> measurements, Map<String, Integer> loadsByWorker,
        Instant workersReady, int deadLetters) {

    public int loads() {
        return loadsByWorker.values().stream().mapToInt(Integer::intValue).sum();
    }
}
