package dev.dmap.worker.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The batch tracker (Kafka Streams) that keeps every batch's state and emits completion events.
 *
 * @param tracker   whether this worker runs a tracker instance (instances share the work)
 * @param stateDir  where its local state lives (RocksDB), one folder per worker id
 * @param retention how long each request's outcome is remembered to count duplicates once
 */
public record BatchSettings(boolean tracker, Path stateDir, Duration retention) {
    public static final Path DEFAULT_STATE_DIR = Path.of(System.getProperty("java.io.tmpdir"), "dmap-streams");
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    public BatchSettings {
        Objects.requireNonNull(stateDir, "stateDir");
        Durations.requirePositive(retention, "retention");
    }

    /** Settings from values that may be missing (null, as Spring binds an absent key): each missing value takes its default. */
    public static BatchSettings of(Boolean tracker, Path stateDir, Duration retention) {
        return new BatchSettings(or(tracker, true), or(stateDir, DEFAULT_STATE_DIR), or(retention, DEFAULT_RETENTION));
    }

    public static BatchSettings defaults() {
        return of(null, null, null);
    }
    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }


    public static BatchSettings withoutTracker() {
        return new BatchSettings(false, DEFAULT_STATE_DIR, DEFAULT_RETENTION);
    }
}
