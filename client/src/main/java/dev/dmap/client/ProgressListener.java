package dev.dmap.client;

/**
 * Hears how far a long call (submit, collect) has got; a front end draws it (the CLI's progress
 * bar) or ignores it. Called from the library's threads, possibly several.
 */
public interface ProgressListener {
    /** Hears nothing. */
    ProgressListener NONE = done -> {
    };

    /** The call knows how much there is to do: {@code total} items. */
    default void started(long total) {
    }

    /** {@code done} items of the total are done (never fewer than the last call said). */
    void advanced(long done);

    /** The call is over, done or failed. */
    default void finished() {
    }
}
