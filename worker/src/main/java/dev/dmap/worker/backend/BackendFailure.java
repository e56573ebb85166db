package dev.dmap.worker.backend;

import java.util.Optional;

/**
 * Why a backend call did not succeed. The taxonomy is closed: a failure is either worth
 * retrying ({@link RetryableFailure}), final for this request ({@link PermanentFailure}), or a
 * sign that the backend as a whole is unusable ({@link BackendUnavailable}), which pauses the
 * worker instead of failing requests. Only {@link FailureClassifier} creates them from HTTP
 * outcomes.
 */
public abstract sealed class BackendFailure extends RuntimeException
        permits RetryableFailure, PermanentFailure, BackendUnavailable {

    private final transient HttpReply reply;

    BackendFailure(String message, HttpReply reply, Throwable cause) {
        super(message, cause, false, false);
        this.reply = reply;
    }

    /** The backend's answer, when there was one. */
    public Optional<HttpReply> reply() {
        return Optional.ofNullable(reply);
    }
}
