package dev.dmap.gateway.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * An error answered in OpenAI's shape: {@code {"error": {"message", "type", "param", "code"}}} with
 * OpenAI's status code, so that the official SDKs raise the exception they raise against OpenAI.
 */
public final class ApiError extends RuntimeException {
    private final HttpStatus status;
    private final String type;
    private final String param;
    private final String code;

    private ApiError(HttpStatus status, String message, String type, String param, String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: the request names something wrong, {@code param} says which field. */
    public static ApiError invalid(String param, String message) {
        return new ApiError(HttpStatus.BAD_REQUEST, message, "invalid_request_error", param, null);
    }

    /** 404, as OpenAI answers for an object that does not exist or belongs to another key's owner. */
    public static ApiError notFound(String message) {
        return new ApiError(HttpStatus.NOT_FOUND, message, "invalid_request_error", "id", null);
    }

    /** 401 without a key: OpenAI's message and a null code. */
    public static ApiError noKey() {
        return new ApiError(HttpStatus.UNAUTHORIZED, "You didn't provide an API key. You need to provide your API key in an "
                + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error", null, null);
    }

    /** 401 with a key that is not (or no longer) in the keys file; the key itself is never echoed. */
    public static ApiError wrongKey() {
        return new ApiError(HttpStatus.UNAUTHORIZED, "Incorrect API key provided. Ask the operator of this dmap gateway for a key.",
                "invalid_request_error", null, "invalid_api_key");
    }

    /** 413: an upload larger than the gateway takes. */
    public static ApiError tooLarge(String param, String message) {
        return new ApiError(HttpStatus.CONTENT_TOO_LARGE, message, "invalid_request_error", param, "file_too_large");
    }

    /** 400: the owner's storage quota is used up. */
    public static ApiError quota(String message) {
        return new ApiError(HttpStatus.BAD_REQUEST, message, "invalid_request_error", "file", "storage_quota_exceeded");
    }

    /** 413: a request body larger than the gateway takes for this call. */
    public static ApiError bodyTooLarge(String message) {
        return new ApiError(HttpStatus.CONTENT_TOO_LARGE, message, "invalid_request_error", null, "body_too_large");
    }

    /** 429: more requests of one client in progress than it may have; it may try again. */
    public static ApiError tooManyRequests(String message) {
        return new ApiError(HttpStatus.TOO_MANY_REQUESTS, message, "rate_limit_error", null, "too_many_requests");
    }

    /** 409/400-like refusals OpenAI words as invalid requests about the object's state. */
    public static ApiError conflict(String message) {
        return new ApiError(HttpStatus.CONFLICT, message, "invalid_request_error", null, null);
    }

    /** 503: Kafka cannot be reached; the SDKs retry this status. */
    public static ApiError unavailable(String message) {
        return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, message, "server_error", null, null);
    }

    /** An online call's error with OpenAI's status, type and code (see {@link CallErrors}). */
    static ApiError of(HttpStatus status, String message, String type, String param, String code) {
        return new ApiError(status, message, type, param, code);
    }

    /** As a response: OpenAI's shape, with {@code Retry-After} for a 429 or 503. */
    ResponseEntity<Object> entity(long retryAfterSeconds) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
        if (retryAfterSeconds > 0) {
            builder.header("Retry-After", String.valueOf(retryAfterSeconds));
        }
        return builder.body(body());
    }

    public HttpStatus status() {
        return status;
    }

    public Map<String, Object> body() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return Map.of("error", error);
    }
}
