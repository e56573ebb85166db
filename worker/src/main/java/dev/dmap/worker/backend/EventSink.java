package dev.dmap.worker.backend;

/**
 * Where a streamed inference call's server-sent events go as they arrive (the online lane forwards
 * them to the waiting caller). Called on the thread that makes the call.
 */
public interface EventSink {
    /**
     * One event.
     *
     * @param type its {@code event:} name, or null when it had none (chat and completion chunks)
     * @param data its {@code data:}, as the server sent it
     */
    void event(String type, String data);

    /** Whether the caller has gone: the call stops reading and ends as {@link CallCancelled}. */
    boolean cancelled();
}
