package dev.dmap.worker.backend;

import dev.dmap.schemas.ErrorCode;

/**
 * A failure that retrying cannot fix for this request: a 4xx about the request itself. The
 * request becomes a dead letter at once, with the upstream answer attached.
 */
public final class PermanentFailure extends BackendFailure {
    private final ErrorCode code;

    public PermanentFailure(ErrorCode code, String message, HttpReply reply) {
        super(message, reply, null);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
