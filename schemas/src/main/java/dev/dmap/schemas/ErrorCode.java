package dev.dmap.schemas;

import java.util.Arrays;

/**
 * The closed set of reasons a request can end as a dead letter. The wire form is
 * {@link #code()}; it appears in {@code error.code} of a dead letter and of an OpenAI Batch
 * error line. Adding a code is a schema change (dead-letter-v1.schema.json).
 */
public enum ErrorCode {
    /** The record value is not JSON (or not UTF-8). The original travels in base64. */
    INVALID_JSON("invalid_json"),
    /** JSON, but not a valid request v1: a required field is missing or has the wrong type. */
    INVALID_REQUEST("invalid_request"),
    /** {@code schema_version} names a version this worker does not know. */
    UNSUPPORTED_SCHEMA_VERSION("unsupported_schema_version"),
    /** The backend does not have the model: it is not downloaded there. */
    MODEL_NOT_FOUND("model_not_found"),
    /** The backend refused or failed to load the model, or the load timed out. */
    MODEL_LOAD_FAILED("model_load_failed"),
    /** Estimated prompt tokens plus max_tokens do not fit the loaded context, or the backend said so. */
    CONTEXT_LENGTH_EXCEEDED("context_length_exceeded"),
    /** The backend answered with a 4xx that retrying cannot fix; the upstream body travels along. */
    UPSTREAM_REJECTED("upstream_rejected"),
    /** A transient failure (5xx, 429, timeout) outlived every retry. */
    RETRIES_EXHAUSTED("retries_exhausted"),
    /** The request's deadline passed before a worker could serve it. */
    DEADLINE_EXCEEDED("deadline_exceeded"),
    /** The request's batch was cancelled before a worker served it. */
    BATCH_CANCELLED("batch_cancelled"),
    /** The record or the request body is larger than the worker accepts. */
    PAYLOAD_TOO_LARGE("payload_too_large"),
    /** The worker failed on the request unexpectedly (a bug); replay it once the bug is fixed. */
    INTERNAL_ERROR("internal_error"),
    /** An online call's caller went away (disconnected, or its gateway gave up on it) before it was served. */
    REQUEST_CANCELLED("request_cancelled");

    private final String code;

    ErrorCode(String code) {
        this.code = code;
    }

    /** The wire form, e.g. {@code model_not_found}. */
    public String code() {
        return code;
    }

    /** Parses the wire form; throws for an unknown code. */
    public static ErrorCode fromCode(String code) {
        return Arrays.stream(values())
                .filter(c -> c.code.equals(code))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown error code: " + code));
    }

    @Override
    public String toString() {
        return code;
    }
}
