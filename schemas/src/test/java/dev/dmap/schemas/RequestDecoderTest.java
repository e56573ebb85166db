package dev.dmap.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestDecoderTest {
    private final RequestDecoder decoder = new RequestDecoder();

    @Test
    void shouldApplyDefaultsToAPlainOpenAiBatchLine() {
        Request request = valid("""
                {"custom_id":"r1","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"hi"}]}}""");

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.id()).isEqualTo("r1");
        assertThat(request.schemaVersion()).isEqualTo(1);
        assertThat(request.batchId()).isNull();
        assertThat(request.priority()).isZero();
        assertThat(request.model()).isEqualTo("m");
        assertThat(request.maxTokens()).isZero();
    }

    @Test
    void shouldDeriveTheIdFromBatchAndCustomId() {
        Request request = valid("""
                {"custom_id":"r1","url":"/v1/embeddings","batch_id":"b7","body":{"model":"e","input":"x"}}""");
        assertThat(request.id()).isEqualTo("b7:r1");
    }

    @Test
    void shouldReportEveryProblemWithItsFieldPath() {
        Decoded.Invalid invalid = invalid("""
                {"url":"/v1/chat/completions","method":"GET","body":{"max_tokens":0,"messages":[]}}""");

        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(invalid.violations()).extracting(Violation::path)
                .contains("/custom_id", "/method", "/body/model", "/body/max_tokens", "/body/messages");
    }

    @Test
    void shouldNameABadTimestampsFieldWithoutEchoingItsValue() {
        String value = "not-a-time-" + "x".repeat(100_000);
        Decoded.Invalid invalid = invalid("{\"custom_id\":\"r1\",\"url\":\"/v1/embeddings\",\"deadline\":\"" + value
                + "\",\"body\":{\"model\":\"e\",\"input\":\"x\"}}");

        assertThat(invalid.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.path()).isEqualTo("/deadline");
            assertThat(violation.message()).contains("RFC 3339").doesNotContain("not-a-time").hasSizeLessThan(100);
        });
    }

    @Test
    void shouldRejectAnUnsupportedEndpoint() {
        Decoded.Invalid invalid = invalid("""
                {"custom_id":"r1","url":"/v1/images/generations","body":{"model":"m"}}""");
        assertThat(invalid.violations()).extracting(Violation::path).containsExactly("/url");
    }

    @Test
    void shouldTakeStreamingAsAnOnlineCallMayAskForIt() {
        Decoded decoded = new RequestDecoder().decode("""
                {"custom_id":"r1","url":"/v1/completions","body":{"model":"m","prompt":"p","stream":true}}""");
        assertThat(decoded).isInstanceOf(Decoded.Valid.class);
    }

    @Test
    void shouldRejectAStreamThatIsNotABoolean() {
        Decoded.Invalid invalid = invalid("""
                {"custom_id":"r1","url":"/v1/completions","body":{"model":"m","prompt":"p","stream":"yes"}}""");
        assertThat(invalid.violations()).extracting(Violation::path).containsExactly("/body/stream");
    }

    @Test
    void shouldReadTheCacheControlOfALine() {
        Request request = valid("""
                {"custom_id":"r1","url":"/v1/embeddings","cache":{"mode":"read-only","max_age_seconds":3600},"body":{"model":"e","input":"x"}}""");
        assertThat(request.cacheControl().mode()).isEqualTo("read-only");
        assertThat(request.cacheControl().maxAgeSeconds()).isEqualTo(3600L);
    }

    @Test
    void shouldNameABadCacheModeAndAge() {
        Decoded.Invalid invalid = invalid("""
                {"custom_id":"r1","url":"/v1/embeddings","cache":{"mode":"sometimes","max_age_seconds":-1},"body":{"model":"e","input":"x"}}""");
        assertThat(invalid.violations()).extracting(Violation::path)
                .containsExactlyInAnyOrder("/cache/mode", "/cache/max_age_seconds");
    }

    @Test
    void shouldCallUnparseableTextInvalidJson() {
        Decoded.Invalid invalid = invalid("{ not json");
        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_JSON);
        assertThat(invalid.message()).contains("not valid JSON");
    }

    @Test
    void shouldCallBytesThatAreNotUtf8InvalidJson() {
        Decoded decoded = decoder.decode(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00});
        assertThat(decoded).isInstanceOfSatisfying(Decoded.Invalid.class,
                invalid -> assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_JSON));
    }

    @Test
    void shouldCallAnEmptyRecordInvalidJson() {
        assertThat(decoder.decode((byte[]) null)).isInstanceOfSatisfying(Decoded.Invalid.class,
                invalid -> assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_JSON));
    }

    @Test
    void shouldRefuseAnUnknownSchemaVersion() {
        Decoded.Invalid invalid = invalid("""
                {"schema_version":2,"custom_id":"r1","url":"/v1/completions","body":{"model":"m","prompt":"p"}}""");
        assertThat(invalid.code()).isEqualTo(ErrorCode.UNSUPPORTED_SCHEMA_VERSION);
        assertThat(invalid.violations()).extracting(Violation::path).containsExactly("/schema_version");
    }

    @Test
    void shouldRefuseARecordOverTheSizeLimit() {
        byte[] big = ("{\"custom_id\":\"r\",\"url\":\"/v1/completions\",\"body\":{\"model\":\"m\",\"prompt\":\""
                + "x".repeat(200) + "\"}}").getBytes(StandardCharsets.UTF_8);
        Decoded decoded = new RequestDecoder(100).decode(big);
        assertThat(decoded).isInstanceOfSatisfying(Decoded.Invalid.class,
                invalid -> assertThat(invalid.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
    }

    @Test
    void shouldRefuseABadTimestamp() {
        Decoded.Invalid invalid = invalid("""
                {"custom_id":"r1","url":"/v1/completions","deadline":"tomorrow","body":{"model":"m","prompt":"p"}}""");
        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        // the field is named, the sender's value is not echoed (issue 23: input never lands in messages)
        assertThat(invalid.message()).contains("/deadline").contains("RFC 3339").doesNotContain("tomorrow");
    }

    private Request valid(String json) {
        Decoded decoded = decoder.decode(json);
        assertThat(decoded).isInstanceOf(Decoded.Valid.class);
        return ((Decoded.Valid) decoded).request();
    }

    private Decoded.Invalid invalid(String json) {
        Decoded decoded = decoder.decode(json);
        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        return (Decoded.Invalid) decoded;
    }
}
