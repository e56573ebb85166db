package dev.dmap.gateway.batches;

import dev.dmap.client.BatchFile;
import dev.dmap.client.CollectSummary;
import dev.dmap.client.OutputFiles;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A {@link BatchClient} without Kafka: it records what it is asked and fails as a test tells it to. */
final class FakeBatchClient implements BatchClient {
    final List<String> submitted = new ArrayList<>();
    final List<String> cancelled = new ArrayList<>();
    final List<Set<String>> servedAtSubmit = new ArrayList<>();
    final Deque<RuntimeException> failures = new ArrayDeque<>();
    /** What the fleet serves; empty: no live worker has said. */
    Optional<Set<String>> served = Optional.of(Set.of("m"));

    @Override
    public long submit(BatchFile file, String batchId, Instant deadline, Set<String> servedModels, Integer maxPriority,
            dev.dmap.schemas.CacheControl cache) {
        if (!failures.isEmpty()) {
            throw failures.poll();
        }
        submitted.add(batchId);
        servedAtSubmit.add(servedModels);
        return file.total();
    }

    @Override
    public CollectSummary collect(String batchId, OutputFiles files, Long total) {
        return new CollectSummary(batchId, total == null ? 0 : total, 0, Map.of(), true);
    }

    @Override
    public void cancel(String batchId) {
        cancelled.add(batchId);
    }

    @Override
    public Optional<Set<String>> servedModels() {
        return served;
    }

    @Override
    public String resultsTopic() {
        return "dmap.results";
    }
}
