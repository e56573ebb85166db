package dev.dmap.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.List;

/**
 * How one request uses the response cache (request-v1's {@code cache}): {@code on} reads and
 * writes (the default for a cacheable request), {@code write-only} computes and stores,
 * {@code read-only} uses a stored answer but stores nothing new, {@code off} neither.
 *
 * @param mode          {@code on}, {@code write-only}, {@code read-only} or {@code off}; null means {@code on}
 * @param maxAgeSeconds the oldest stored answer a read accepts, in seconds; null for any within the store's time to live
 */
public record CacheControl(String mode, @JsonInclude(JsonInclude.Include.NON_NULL) Long maxAgeSeconds) {
    public static final String ON = "on";
    public static final String WRITE_ONLY = "write-only";
    public static final String READ_ONLY = "read-only";
    public static final String OFF = "off";
    public static final List<String> MODES = List.of(ON, WRITE_ONLY, READ_ONLY, OFF);
    /** What a request without a {@code cache} field gets. */
    public static final CacheControl DEFAULT = new CacheControl(ON, null);

    public CacheControl {
        mode = mode == null ? ON : mode;
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("cache mode must be one of " + MODES + ", not \"" + mode + "\"");
        }
        if (maxAgeSeconds != null && maxAgeSeconds < 0) {
            throw new IllegalArgumentException("cache max age must not be negative: " + maxAgeSeconds);
        }
    }

    /** Whether a stored answer may serve the request. */
    public boolean reads() {
        return ON.equals(mode) || READ_ONLY.equals(mode);
    }

    /** Whether a computed answer is stored. */
    public boolean writes() {
        return ON.equals(mode) || WRITE_ONLY.equals(mode);
    }

    /** The oldest answer a read accepts, or null for any. */
    public Duration maxAge() {
        return maxAgeSeconds == null ? null : Duration.ofSeconds(maxAgeSeconds);
    }
}
