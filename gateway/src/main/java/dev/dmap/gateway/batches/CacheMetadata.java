package dev.dmap.gateway.batches;

import dev.dmap.schemas.CacheControl;
import java.util.Map;

/**
 * The response cache's use for a batch, from its metadata: {@code dmap_cache} ({@code on},
 * {@code write-only}, {@code read-only} or {@code off}) and {@code dmap_cache_max_age} (seconds).
 * OpenAI's batch object has no such option; metadata is where an SDK can already put it.
 */
public final class CacheMetadata {
    public static final String MODE = "dmap_cache";
    public static final String MAX_AGE = "dmap_cache_max_age";

    private CacheMetadata() {
    }

    /**
     * The batch's cache use, or null when its metadata says nothing.
     *
     * @throws IllegalArgumentException naming the key and what it accepts, for a value it does not
     */
    public static CacheControl of(Map<String, String> metadata) {
        if (metadata == null || (!metadata.containsKey(MODE) && !metadata.containsKey(MAX_AGE))) {
            return null;
        }
        Long maxAge = null;
        String age = metadata.get(MAX_AGE);
        if (age != null) {
            try {
                maxAge = Long.parseLong(age.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("metadata." + MAX_AGE + " must be a whole number of seconds, not \"" + age + "\"");
            }
        }
        try {
            return new CacheControl(metadata.get(MODE), maxAge);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("metadata." + (maxAge != null && maxAge < 0 ? MAX_AGE : MODE) + ": " + e.getMessage());
        }
    }
}
