package dev.dmap.worker.backend;

/** A failure that may go away by itself; retried with backoff, then {@code retries_exhausted}. */
public final class RetryableFailure extends BackendFailure {

    /** Why a retry may help. */
    public enum Reason {
        /** 5xx: the server failed this time. */
        SERVER_ERROR,
        /** 429: the server asks to slow down. */
        RATE_LIMITED,
        /** 503: the server is overloaded (or briefly unavailable); slow down and retry. */
        OVERLOADED,
        /** No answer within the request timeout, or 408. */
        TIMEOUT,
        /** The connection broke mid-call (reset, EOF). The server may still be up. */
        CONNECTION_DROPPED,
        /** The model is not (or no longer) loaded: "No models loaded", "Model unloaded". Ensure-loaded again. */
        MODEL_NOT_READY,
        /** Loading the model failed or timed out; the request ends as {@code model_load_failed} if it persists. */
        LOAD_FAILED;

        /** Metric tag value. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;

    public RetryableFailure(Reason reason, String message, HttpReply reply, Throwable cause) {
        super(message, reply, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Whether the server pushed back (429, 503) or did not answer in time: the worker should send it less. */
    public boolean isBackPressure() {
        return reason == Reason.RATE_LIMITED || reason == Reason.OVERLOADED || reason == Reason.TIMEOUT;
    }
}
