package dev.dmap.gateway.api;

import dev.dmap.gateway.online.CallRefused;
import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.ErrorCode;
import org.springframework.http.HttpStatus;

/**
 * How an online call's failure is answered: OpenAI's status codes and error shapes, so that a client
 * retries what OpenAI's clients retry (5xx, 429) and nothing else. A request the worker refused is a
 * 4xx with OpenAI's {@code code} where it has one; an upstream failure is a 5xx; a deadline that
 * passed is a 504, as a flex call that waited too long.
 */
final class CallErrors {
    private CallErrors() {
    }

    static ApiError of(CallRefused refused) {
        return switch (refused.reason()) {
            case INVALID -> ApiError.invalid(refused.param(), refused.getMessage());
            case MODEL_NOT_FOUND -> modelNotFound(refused.getMessage());
            case BUSY -> ApiError.of(HttpStatus.TOO_MANY_REQUESTS, refused.getMessage(), "rate_limit_error", null,
                    "resource_unavailable");
            case UNAVAILABLE -> ApiError.unavailable(refused.getMessage());
        };
    }

    static ApiError modelNotFound(String message) {
        return ApiError.of(HttpStatus.NOT_FOUND, message, "invalid_request_error", "model", "model_not_found");
    }

    /** The caller's deadline passed before its answer came. */
    static ApiError deadlinePassed(String model) {
        return ApiError.of(HttpStatus.GATEWAY_TIMEOUT, "The call to model `" + model + "` was not answered within its "
                + "timeout; it was cancelled. Try again, or send it as a batch.", "timeout_error", null, "deadline_exceeded");
    }

    /** A stream whose worker stopped after part of the answer was sent: it ends rather than repeat text. */
    static ApiError streamInterrupted() {
        return ApiError.of(HttpStatus.BAD_GATEWAY, "The worker serving this stream stopped; the answer was cut. "
                + "Send the call again.", "server_error", null, "stream_interrupted");
    }

    static ApiError of(DeadLetter deadLetter) {
        String message = deadLetter.error().message();
        ErrorCode code;
        try {
            code = deadLetter.errorCode();
        } catch (IllegalArgumentException e) {
            code = ErrorCode.INTERNAL_ERROR;
        }
        return switch (code) {
            case MODEL_NOT_FOUND -> modelNotFound(message);
            case CONTEXT_LENGTH_EXCEEDED -> ApiError.of(HttpStatus.BAD_REQUEST, message, "invalid_request_error", "messages",
                    "context_length_exceeded");
            case INVALID_JSON, INVALID_REQUEST, UNSUPPORTED_SCHEMA_VERSION -> ApiError.invalid(null, message);
            case PAYLOAD_TOO_LARGE -> ApiError.bodyTooLarge(message);
            case UPSTREAM_REJECTED -> upstream(deadLetter, message);
            case DEADLINE_EXCEEDED -> ApiError.of(HttpStatus.GATEWAY_TIMEOUT, message, "timeout_error", null,
                    "deadline_exceeded");
            case REQUEST_CANCELLED, BATCH_CANCELLED -> ApiError.of(HttpStatus.REQUEST_TIMEOUT, message, "invalid_request_error",
                    null, code.code());
            case MODEL_LOAD_FAILED -> ApiError.of(HttpStatus.SERVICE_UNAVAILABLE, message, "server_error", "model",
                    "model_load_failed");
            case RETRIES_EXHAUSTED -> ApiError.of(HttpStatus.BAD_GATEWAY, message, "server_error", null, "upstream_error");
            case INTERNAL_ERROR -> ApiError.of(HttpStatus.INTERNAL_SERVER_ERROR, message, "server_error", null, "internal_error");
        };
    }

    /** The backend's own 4xx, with its status where it is one. */
    private static ApiError upstream(DeadLetter deadLetter, String message) {
        int status = deadLetter.response() == null ? 400 : deadLetter.response().statusCode();
        HttpStatus resolved = HttpStatus.resolve(status);
        HttpStatus http = resolved != null && resolved.is4xxClientError() ? resolved : HttpStatus.BAD_REQUEST;
        return ApiError.of(http, message, "invalid_request_error", null, "upstream_rejected");
    }
}
