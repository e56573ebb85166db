package dev.dmap.gateway.batches;

/** Batch states cannot be answered now: the gateway is still reading them, or reading them failed. */
public final class StatesUnavailable extends RuntimeException {
    public StatesUnavailable(String message) {
        super(message, null, false, false);
    }
}
