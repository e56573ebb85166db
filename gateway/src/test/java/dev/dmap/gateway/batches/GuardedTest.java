package dev.dmap.gateway.batches;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A periodic task that throws keeps its schedule when it runs guarded (unguarded, the executor drops it for good). */
class GuardedTest {
    @Test
    void shouldKeepAPeriodicTaskRunningAfterItThrows() throws Exception {
        AtomicInteger guardedRuns = new AtomicInteger();
        AtomicInteger bareRuns = new AtomicInteger();
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(2);
        try {
            executor.scheduleWithFixedDelay(Guarded.task("a failing task", () -> {
                guardedRuns.incrementAndGet();
                throw new AssertionError("boom");
            }), 0, 1, TimeUnit.MILLISECONDS);
            executor.scheduleWithFixedDelay(() -> {
                bareRuns.incrementAndGet();
                throw new IllegalStateException("boom");
            }, 0, 1, TimeUnit.MILLISECONDS);

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> guardedRuns.get() >= 5);
        } finally {
            executor.shutdownNow();
        }

        assertThat(bareRuns.get()).as("the executor's own behaviour, which Guarded exists for").isEqualTo(1);
    }
}
