package dev.dmap.schemas;

import java.time.Instant;

/**
 * The part of a result served from the response cache (its {@code cache} field): which entry,
 * when it was computed, and the tokens the stored answer saved. The body's own {@code usage} is
 * the original call's; totals count it as saved, never as computed.
 *
 * @param hit          always true
 * @param key          the entry's key
 * @param computedAt   when the stored answer was computed
 * @param computedBy   the request that computed it
 * @param tokensSaved  the original call's usage
 */
public record CacheHit(boolean hit, String key, Instant computedAt, String computedBy, Usage tokensSaved) {
    public static CacheHit of(CacheEntry entry) {
        return new CacheHit(true, entry.key(), entry.createdAt(), entry.requestId(), entry.usage());
    }
}
