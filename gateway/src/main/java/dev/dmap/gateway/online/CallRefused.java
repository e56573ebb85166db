package dev.dmap.gateway.online;

/** A call refused before it was published: why, and for a busy model how long to wait. */
public final class CallRefused extends RuntimeException {
    /** Why a call was refused. */
    public enum Reason {
        /** The body is not a valid call; {@link #param()} names the field. */
        INVALID,
        /** No worker serves the model. */
        MODEL_NOT_FOUND,
        /** The model's queue cannot take the call within its deadline, or this gateway holds too many calls. */
        BUSY,
        /** Kafka did not take the call. */
        UNAVAILABLE
    }

    private final Reason reason;
    private final String param;
    private final long retryAfterSeconds;

    public CallRefused(Reason reason, String message, String param, long retryAfterSeconds) {
        super(message, null, false, false);
        this.reason = reason;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    public String param() {
        return param;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
