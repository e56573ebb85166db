package dev.dmap.worker.config;

import dev.dmap.schemas.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The response cache (docs/cache.md): the worker's local copy of the {@code <prefix>.cache} topic.
 *
 * @param enabled  whether this worker reads and writes the cache at all
 * @param dir      where its local copy lives (RocksDB), or null for {@code <batches.state-dir>/cache-<topic-prefix>-<worker-id>}
 * @param ttl      no entry older than this is served; the topic's {@code retention.ms}
 * @param maxBytes the local copy's bound (oldest entries go first) and, split over the topic's partitions, its {@code retention.bytes}
 */
public record CacheSettings(boolean enabled, Path dir, Duration ttl, long maxBytes) {
    public static final Duration DEFAULT_TTL = TopicProvisioner.CACHE_TTL;
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024 * 1024;

    public CacheSettings {
        Durations.requirePositive(ttl, "cache ttl");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("cache max-bytes must be positive: " + maxBytes);
        }
    }

    /** Settings from values that may be missing (null, as Spring binds an absent key). */
    public static CacheSettings of(Boolean enabled, Path dir, Duration ttl, Long maxBytes) {
        return new CacheSettings(enabled == null || enabled, dir, ttl == null ? DEFAULT_TTL : ttl,
                maxBytes == null ? DEFAULT_MAX_BYTES : maxBytes);
    }

    public static CacheSettings defaults() {
        return of(null, null, null, null);
    }

    public static CacheSettings disabled() {
        return of(false, null, null, null);
    }

    /** Where the local copy lives for a worker (by topic prefix and id) whose batch state lives in {@code stateDir}. */
    public Path dirFor(Path stateDir, String topicPrefix, String workerId) {
        return dir != null ? dir : stateDir.resolve("cache-" + topicPrefix + "-" + workerId);
    }
}
