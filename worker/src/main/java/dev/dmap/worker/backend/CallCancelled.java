package dev.dmap.worker.backend;

/** A streamed call stopped because its caller went away; the connection to the server is closed, which stops the generation. */
public final class CallCancelled extends RuntimeException {
    public CallCancelled(String message) {
        super(message, null, false, false);
    }
}
