package dev.dmap.worker.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FailureClassifierTest {
    private final FailureClassifier classifier = new FailureClassifier();

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        500 | {"error":{"message":"boom","type":"server_error"}}                                          | retryable:SERVER_ERROR
        503 | {"error":"Service Unavailable"}                                                               | retryable:OVERLOADED
        502 | bad gateway                                                                                   | retryable:SERVER_ERROR
        429 | {"error":{"message":"slow down","type":"rate_limit_error","code":"concurrency_limit"}}       | retryable:RATE_LIMITED
        408 | request timeout                                                                               | retryable:TIMEOUT
        400 | {"error":{"message":"No models loaded. Please load a model in the developer page or use the 'lms load' command.","type":"invalid_request_error","param":"model","code":null}} | retryable:MODEL_NOT_READY
        404 | {"error":"No models loaded. Please load a model."}                                            | retryable:MODEL_NOT_READY
        500 | {"error":"Model unloaded."}                                                                   | retryable:MODEL_NOT_READY
        500 | {"error":{"message":"Failed to load model \"x\". Model loading was stopped due to insufficient system resources.","type":"model_load_failed","param":"model","code":null}} | retryable:MODEL_NOT_READY
        400 | {"error":{"message":"Invalid model identifier \\"x\\".","type":"invalid_request_error","param":"model","code":"model_not_found"}} | permanent:model_not_found
        404 | {"error":{"message":"The model `x` does not exist.","type":"NotFoundError","code":404}}       | permanent:model_not_found
        400 | {"error":"The number of tokens to keep from the initial prompt is greater than the context length (n_keep: 13055>= n_ctx: 4096)."} | permanent:context_length_exceeded
        400 | {"error":{"message":"This model's maximum context length is 16384 tokens.","type":"BadRequestError","code":400}} | permanent:context_length_exceeded
        400 | {"error":"'response_format.type' must be 'json_schema' or 'text'"}                            | permanent:upstream_rejected
        422 | not json at all                                                                               | permanent:upstream_rejected
        413 | {"error":"too large"}                                                                         | permanent:payload_too_large
        401 | {"error":{"message":"Invalid API Key","type":"authentication_error"}}                         | unavailable
        403 | forbidden                                                                                     | unavailable
        """)
    void shouldClassifyEachHttpOutcome(int status, String body, String expected) {
        Optional<BackendFailure> failure = classifier.classify(reply(status, body));
        assertThat(failure).isPresent();
        assertThat(describe(failure.get())).isEqualTo(expected);
    }

    @Test
    void shouldTreatA2xxAsSuccess() {
        assertThat(classifier.classify(reply(200, "{}"))).isEmpty();
    }

    @Test
    void shouldTreatARefusedConnectionAsTheBackendBeingUnavailable() {
        assertThat(classifier.classify(new ConnectException("Connection refused"))).isInstanceOf(BackendUnavailable.class);
        assertThat(classifier.classify(new HttpConnectTimeoutException("connect timed out"))).isInstanceOf(BackendUnavailable.class);
    }

    @Test
    void shouldRetryATimeoutAndADroppedConnection() {
        assertThat(describe(classifier.classify(new HttpTimeoutException("request timed out")))).isEqualTo("retryable:TIMEOUT");
        assertThat(describe(classifier.classify(new IOException("HTTP/1.1 header parser received no bytes"))))
                .isEqualTo("retryable:CONNECTION_DROPPED");
    }

    @Test
    void shouldReadTheErrorMessageFromEveryShape() {
        assertThat(reply(400, "{\"error\":\"plain\"}").errorMessage()).isEqualTo("plain");
        assertThat(reply(400, "{\"error\":{\"message\":\"object\"}}").errorMessage()).isEqualTo("object");
        assertThat(reply(400, "{\"object\":\"error\",\"message\":\"flat\"}").errorMessage()).isEqualTo("flat");
        assertThat(reply(400, "text").errorMessage()).isEqualTo("text");
    }

    static HttpReply reply(int status, String body) {
        return new HttpReply(status, body.getBytes(StandardCharsets.UTF_8), Optional.empty());
    }

    private static String describe(BackendFailure failure) {
        if (failure instanceof RetryableFailure retryable) {
            return "retryable:" + retryable.reason();
        }
        if (failure instanceof PermanentFailure permanent) {
            assertThat(permanent.reply()).isPresent();
            return "permanent:" + permanent.code().code();
        }
        return "unavailable";
    }

    @Test
    void shouldKeepTheErrorCodeSetClosed() {
        assertThat(ErrorCode.fromCode("model_not_found")).isEqualTo(ErrorCode.MODEL_NOT_FOUND);
    }
}
