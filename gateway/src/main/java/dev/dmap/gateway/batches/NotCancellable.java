package dev.dmap.gateway.batches;

/** A cancel of a batch that cannot be cancelled any more; the message says its status. */
public final class NotCancellable extends RuntimeException {
    public NotCancellable(String message) {
        super(message, null, false, false);
    }
}
