package dev.dmap.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.ErrorInfo;
import dev.dmap.schemas.Response;
import dev.dmap.schemas.Source;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CallErrorsTest {

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource({
        "model_not_found, 404, model_not_found",
        "context_length_exceeded, 400, context_length_exceeded",
        "invalid_request, 400, ",
        "deadline_exceeded, 504, deadline_exceeded",
        "model_load_failed, 503, model_load_failed",
        "retries_exhausted, 502, upstream_error",
        "internal_error, 500, internal_error",
        "payload_too_large, 413, body_too_large",
        "upstream_rejected, 422, upstream_rejected"
    })
    void shouldAnswerAFailureWithOpenAisStatusAndCode(String code, int status, String openAiCode) {
        DeadLetter deadLetter = new DeadLetter("id", "call-1", new Response(422, "r", null), new ErrorInfo(code, "why"), 1,
                "call-1", null, "m", "w", 1, Instant.EPOCH, new Source("t", 0, 0), null, null);

        ApiError error = CallErrors.of(deadLetter);

        assertThat(error.status().value()).isEqualTo(status);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) error.body().get("error");
        assertThat(body.get("code")).isEqualTo(openAiCode);
        assertThat(body.get("message")).isEqualTo("why");
    }
}
