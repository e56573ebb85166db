package dev.dmap.worker.backend;

/**
 * The backend as a whole cannot serve anything: connection refused, connect timeout, or
 * authentication refused. Never a dead letter: the worker pauses consumption and probes until
 * the backend answers again, so a stopped LM Studio never drains the topics.
 */
public final class BackendUnavailable extends BackendFailure {
    public BackendUnavailable(String message, HttpReply reply, Throwable cause) {
        super(message, reply, cause);
    }
}
