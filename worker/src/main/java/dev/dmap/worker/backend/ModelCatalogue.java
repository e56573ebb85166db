package dev.dmap.worker.backend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The backend's model listing, cached for a short time so that checking a request's model does
 * not cost an HTTP call per request. A model missing from the cache triggers one fresh read
 * (at most once per {@link #MIN_REFRESH_INTERVAL}) before it is declared unknown, so a model
 * downloaded a moment ago is found. Thread-safe.
 */
public final class ModelCatalogue {
    static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(1);

    private final Backend client;
    private final Clock clock;
    private final Duration ttl;
    private volatile ModelListing current;

    public ModelCatalogue(Backend client, Clock clock, Duration ttl) {
        this.client = client;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** The cached listing, read again when older than the TTL. */
    public ModelListing listing() {
        ModelListing listing = current;
        if (listing == null || isOlderThan(listing, ttl)) {
            return refresh();
        }
        return listing;
    }

    /** Reads the listing from the backend now. */
    public synchronized ModelListing refresh() {
        current = client.listModels();
        return current;
    }

    /** Whether the backend can serve {@code model}. */
    public boolean isAvailable(String model) {
        ModelListing listing = listing();
        if (listing.available().contains(model)) {
            return true;
        }
        if (isOlderThan(listing, MIN_REFRESH_INTERVAL)) {
            return refresh().available().contains(model);
        }
        return false;
    }

    /** The last listing read, without any I/O; null before the first read. */
    public ModelListing lastKnown() {
        return current;
    }

    private boolean isOlderThan(ModelListing listing, Duration age) {
        return listing.readAt().plus(age).isBefore(Instant.now(clock));
    }
}
