package dev.dmap.worker.backend;

/**
 * A backend call was interrupted because the worker is stopping. Not a failure of the backend
 * nor of the request: the request ends with no record here and is served again by its
 * partition's next owner.
 */
public final class CallInterrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CallInterrupted(String message, InterruptedException cause) {
        super(message, cause);
    }
}
