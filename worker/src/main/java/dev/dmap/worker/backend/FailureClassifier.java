package dev.dmap.worker.backend;

import dev.dmap.schemas.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.Optional;

/**
 * The one place that decides what a backend outcome means. LM Studio's error bodies are not
 * consistent (a plain string or an OpenAI-style object, 400 or 404 for the same thing), so
 * messages are matched as well as status codes; see docs/lm-studio-facts.md, Error bodies.
 */
public final class FailureClassifier {

    /** Empty for a 2xx; otherwise the failure the reply stands for. */
    public Optional<BackendFailure> classify(HttpReply reply) {
        int status = reply.statusCode();
        if (reply.isSuccess()) {
            return Optional.empty();
        }
        String message = reply.errorMessage();
        String lower = (message + " " + reply.errorCode()).toLowerCase(Locale.ROOT);
        String summary = "backend answered " + status + (message.isEmpty() ? "" : ": " + abbreviate(message));
        if (status == 401 || status == 403) {
            return Optional.of(new BackendUnavailable("backend refused our credentials (" + status
                    + "); set dmap.backend.api-key", reply, null));
        }
        if (mentionsModelNotReady(lower)) {
            return Optional.of(new RetryableFailure(RetryableFailure.Reason.MODEL_NOT_READY, summary, reply, null));
        }
        if (status == 429) {
            return Optional.of(new RetryableFailure(RetryableFailure.Reason.RATE_LIMITED, summary, reply, null));
        }
        if (status == 408) {
            return Optional.of(new RetryableFailure(RetryableFailure.Reason.TIMEOUT, summary, reply, null));
        }
        if (status == 503) {
            return Optional.of(new RetryableFailure(RetryableFailure.Reason.OVERLOADED, summary, reply, null));
        }
        if (status >= 500) {
            return Optional.of(new RetryableFailure(RetryableFailure.Reason.SERVER_ERROR, summary, reply, null));
        }
        return Optional.of(new PermanentFailure(permanentCode(status, lower), summary, reply));
    }

    /** What an I/O failure of a call means. */
    public BackendFailure classify(IOException error) {
        if (error instanceof HttpConnectTimeoutException || error instanceof ConnectException
                || error.getCause() instanceof ConnectException
                || error.getCause() instanceof UnresolvedAddressException) {
            return new BackendUnavailable("backend not reachable: " + error, null, error);
        }
        if (error instanceof HttpTimeoutException) {
            return new RetryableFailure(RetryableFailure.Reason.TIMEOUT, "backend did not answer in time", null, error);
        }
        return new RetryableFailure(RetryableFailure.Reason.CONNECTION_DROPPED,
                "connection to the backend broke: " + error, null, error);
    }

    private static boolean mentionsModelNotReady(String lower) {
        // "failed to load model": an inference call whose JIT load the server refused, for
        // example after a restart while it still held another model; an explicit load makes room
        return lower.contains("no models loaded") || lower.contains("model unloaded")
                || lower.contains("model is loading") || lower.contains("loading model")
                || lower.contains("failed to load model");
    }

    private static ErrorCode permanentCode(int status, String lower) {
        if (status == 413) {
            return ErrorCode.PAYLOAD_TOO_LARGE;
        }
        if (lower.contains("context length") || lower.contains("number of tokens to keep")
                || lower.contains("maximum context length") || lower.contains("context_length_exceeded")
                || lower.contains("exceed_context_size_error") || lower.contains("exceeds the available context size")) {
            return ErrorCode.CONTEXT_LENGTH_EXCEEDED;
        }
        if (lower.contains("model_not_found") || lower.contains("invalid model identifier")
                || (status == 404 && lower.contains("model"))
                || (lower.contains("model '") && lower.contains("' not found"))) {
            return ErrorCode.MODEL_NOT_FOUND;
        }
        return ErrorCode.UPSTREAM_REJECTED;
    }

    static String abbreviate(String message) {
        return message.length() <= 300 ? message : message.substring(0, 300) + "…";
    }
}
