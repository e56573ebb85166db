package dev.dmap.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.WorkerStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which models the fleet serves: the live workers' backends' lists, and nothing known when no live worker says. */
class FleetModelsTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void shouldUniteWhatTheLiveWorkersBackendsOffer() {
        assertThat(FleetModels.served(List.of(status("gpu-1", NOW.minusSeconds(5), null, List.of("a", "b")),
                status("gpu-2", NOW.minusSeconds(10), null, List.of("b", "c"))), NOW)).hasValue(java.util.Set.of("a", "b", "c"));
    }

    @Test
    void shouldLeaveOutWorkersSilentForAMinuteOrStopped() {
        assertThat(FleetModels.served(List.of(status("gone", NOW.minusSeconds(61), null, List.of("old")),
                status("stopped", NOW.minusSeconds(1), "Kafka refused it", List.of("dead")),
                status("live", NOW.minusSeconds(1), null, List.of("a"))), NOW)).hasValue(java.util.Set.of("a"));
    }

    @Test
    void shouldKnowNothingWhenNoLiveWorkerSays() {
        assertThat(FleetModels.served(List.of(), NOW)).isEmpty();
        assertThat(FleetModels.served(List.of(status("older-worker", NOW.minusSeconds(1), null, null)), NOW)).isEmpty();
    }

    private static WorkerStatus status(String id, Instant heartbeat, String stopped, List<String> available) {
        return new WorkerStatus(id, "dmap-workers", "http://gpu:1234", "affinity", List.of(), List.of(), List.of(), 0, 0, 0, true,
                heartbeat, stopped, 1, available);
    }
}
