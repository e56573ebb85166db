package dev.dmap.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkerMetrics metrics = new WorkerMetrics(registry);

    @Test
    void shouldCreateSwapAndLoadSeriesAtZeroForEveryModelSeen() {
        metrics.queueDepth("qwen", 10);
        metrics.queueDepth("llama", 5);

        assertThat(registry.find(MetricNames.MODEL_SWAPS).counters())
                .extracting(c -> c.getId().getTag("from") + "->" + c.getId().getTag("to"))
                .containsExactlyInAnyOrder("none->qwen", "none->llama", "qwen->llama", "llama->qwen");
        assertThat(registry.find(MetricNames.MODEL_SWAPS).counters()).allSatisfy(c -> assertThat(c.count()).isZero());
        assertThat(registry.find(MetricNames.MODEL_LOAD_DURATION).timers())
                .extracting(t -> t.getId().getTag("model")).containsExactlyInAnyOrder("qwen", "llama");
        assertThat(registry.find(MetricNames.MODEL_CACHE_MISSES).counters())
                .extracting(c -> c.getId().getTag("model")).containsExactlyInAnyOrder("qwen", "llama");
        assertThat(registry.find(MetricNames.MODEL_CACHE_HITS).counters()).allSatisfy(c -> assertThat(c.count()).isZero());
    }

    @Test
    void shouldCreateNoSeriesAtZeroForAModelTheBackendDoesNotList() {
        metrics.precreateOnlyFor(model -> !model.equals("gone"));
        metrics.queueDepth("qwen", 10);
        metrics.queueDepth("gone", 3);

        assertThat(registry.find(MetricNames.MODEL_SWAPS).counters())
                .extracting(c -> c.getId().getTag("from") + "->" + c.getId().getTag("to")).containsExactly("none->qwen");
        assertThat(registry.find(MetricNames.MODEL_CACHE_HITS).counters()).extracting(c -> c.getId().getTag("model"))
                .containsExactly("qwen");
        assertThat(registry.get(MetricNames.QUEUE_DEPTH).tag("model", "gone").gauge().value()).isEqualTo(3);
    }

    @Test
    void shouldCreateTheSeriesOnceTheBackendListsAModelFirstSeenBefore() {
        java.util.Set<String> listed = new java.util.HashSet<>();
        metrics.precreateOnlyFor(listed::contains);
        metrics.queueDepth("late", 3);
        assertThat(registry.find(MetricNames.MODEL_SWAPS).counters()).isEmpty();

        listed.add("late");
        metrics.queueDepth("late", 3);

        assertThat(registry.find(MetricNames.MODEL_SWAPS).counters())
                .extracting(c -> c.getId().getTag("from") + "->" + c.getId().getTag("to")).containsExactly("none->late");
    }

    @Test
    void shouldCountASwapOnTheSeriesCreatedAtZero() {
        metrics.queueDepth("qwen", 10);
        metrics.queueDepth("llama", 5);

        metrics.loaded("llama", "qwen", Duration.ofSeconds(3));

        Counter swap = registry.get(MetricNames.MODEL_SWAPS).tags("from", "qwen", "to", "llama").counter();
        assertThat(swap.count()).isEqualTo(1.0);
        assertThat(registry.get(MetricNames.MODEL_LOAD_DURATION).tag("model", "llama").timer().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.MODEL_LOAD_DURATION).tag("model", "qwen").timer().count()).isZero();
    }
}
