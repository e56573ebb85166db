package dev.dmap.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseStoreTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @TempDir
    Path dir;

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldKeepEntriesAndPositionsAcrossAReopen() {
        try (ResponseStore store = ResponseStore.open(dir, "topic-1")) {
            store.apply("k1", json("{\"a\":1}"), T0, 0, 1);
            store.apply("k2", json("{\"b\":22}"), T0.plusSeconds(1), 3, 8);
            store.apply("k1", json("{\"a\":111}"), T0.plusSeconds(2), 0, 2);
            store.skip(5, 40);
            assertThat(store.entries()).isEqualTo(2);
            assertThat(store.bytes()).isEqualTo(json("{\"a\":111}").length + json("{\"b\":22}").length);
        }
        try (ResponseStore store = ResponseStore.open(dir, "topic-1")) {
            assertThat(new String(store.get("k1").json(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":111}");
            assertThat(store.get("k1").createdAtMillis()).isEqualTo(T0.plusSeconds(2).toEpochMilli());
            assertThat(store.get("nope")).isNull();
            assertThat(store.positions()).isEqualTo(Map.of(0, 2L, 3, 8L, 5, 40L));
            assertThat(store.entries()).isEqualTo(2);
        }
    }

    @Test
    void shouldDeleteOnATombstone() {
        try (ResponseStore store = ResponseStore.open(dir, "topic-1")) {
            store.apply("k1", json("{}"), T0, 0, 1);
            store.apply("k1", null, null, 0, 2);
            assertThat(store.get("k1")).isNull();
            assertThat(store.entries()).isZero();
            assertThat(store.bytes()).isZero();
        }
    }

    @Test
    void shouldEmptyACopyOfAnotherTopic() {
        try (ResponseStore store = ResponseStore.open(dir, "topic-1")) {
            store.apply("k1", json("{}"), T0, 0, 1);
        }
        try (ResponseStore store = ResponseStore.open(dir, "topic-2")) {
            assertThat(store.get("k1")).isNull();
            assertThat(store.positions()).isEmpty();
            assertThat(store.entries()).isZero();
        }
    }

    @Test
    void shouldSweepWhatIsTooOldThenTheOldestBeyondTheSizeBound() {
        try (ResponseStore store = ResponseStore.open(dir, "topic-1")) {
            for (int i = 0; i < 10; i++) {
                store.apply("k" + i, json("0123456789"), T0.plusSeconds(i), 0, i + 1);
            }
            assertThat(store.sweep(T0.plusSeconds(3), Long.MAX_VALUE)).isEqualTo(3);
            assertThat(store.get("k2")).isNull();
            assertThat(store.get("k3")).isNotNull();
            assertThat(store.sweep(T0, 40)).as("down to 4 entries of 10 bytes").isEqualTo(3);
            assertThat(store.get("k5")).isNull();
            assertThat(store.get("k6")).isNotNull();
            assertThat(store.entries()).isEqualTo(4);
        }
    }
}
