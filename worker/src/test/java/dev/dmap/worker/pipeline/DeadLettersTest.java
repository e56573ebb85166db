package dev.dmap.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.Decoded;
import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.RequestDecoder;
import dev.dmap.schemas.SchemaValidator;
import dev.dmap.schemas.Source;
import dev.dmap.worker.backend.HttpReply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every dead letter the worker builds validates against dead-letter-v1.schema.json, whatever the
 * record's value was. Each case goes the poll loop's way: {@link RequestDecoder} first, then
 * {@link DeadLetters#forInvalid} with what it found, then the bytes that would be published.
 */
class DeadLettersTest {
    private static final Path GOLDEN = Path.of("..", "schemas", "src", "test", "resources", "golden");
    private static final String TOPIC = "dmap.requests.qwen2.5-7b-instruct";
    private static final Instant AT = Instant.parse("2026-11-26T10:00:03Z");

    private final SchemaValidator schema = SchemaValidator.deadLetter();
    private final DeadLetters deadLetters = new DeadLetters("gpu-box-1");

    static Stream<Arguments> goldenKinds() {
        return Stream.of(
                golden("dead-letter-invalid-request-v1.json", 10, utf8("{\"custom_id\":\"q-19\",\"batch_id\":\"b-42\","
                        + "\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"qwen2.5-7b-instruct\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"...\"}],\"temperature\":\"hot\"}}")),
                golden("dead-letter-array-v1.json", 6, utf8("[1,2,3]")),
                golden("dead-letter-scalar-v1.json", 7, utf8("\"str\"")),
                golden("dead-letter-undecodable-v1.json", 5, utf8("{ not json")),
                golden("dead-letter-invalid-utf8-v1.json", 9,
                        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'}),
                golden("dead-letter-empty-v1.json", 8, new byte[0]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenKinds")
    void shouldBuildTheGoldenDeadLetterForEachKindOfOriginal(String file, long offset, byte[] value) throws IOException {
        JsonNode produced = published(forInvalid(new RequestDecoder(), value, offset));

        assertThat(schema.validate(produced)).isEmpty();
        assertThat(produced).isEqualTo(MessageCodec.mapper().readTree(Files.readString(GOLDEN.resolve(file))));
    }

    @Test
    void shouldLeaveTheOriginalOfARecordOverTheSizeLimitBehind() throws IOException {
        byte[] value = utf8("{\"custom_id\":\"q-20\",\"url\":\"/v1/completions\"}");
        JsonNode produced = published(forInvalid(new RequestDecoder(16), value, 11));

        assertThat(schema.validate(produced)).isEmpty();
        assertThat(produced).isEqualTo(
                MessageCodec.mapper().readTree(Files.readString(GOLDEN.resolve("dead-letter-too-large-v1.json"))));
    }

    static Stream<Arguments> otherValues() {
        return Stream.of(
                Arguments.of("a number", utf8("42")),
                Arguments.of("a negative fraction", utf8("-1.5e3")),
                Arguments.of("true", utf8("true")),
                Arguments.of("the JSON null", utf8("null")),
                Arguments.of("an empty array", utf8("[]")),
                Arguments.of("an array of requests", utf8("[{\"custom_id\":\"a\",\"url\":\"/v1/completions\",\"body\":{}}]")),
                Arguments.of("blank text", utf8(" \n\t ")),
                Arguments.of("a UTF-8 BOM alone", new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}),
                Arguments.of("a lone continuation byte", new byte[] {(byte) 0x80}),
                Arguments.of("two JSON values", utf8("{} {}")),
                Arguments.of("a truncated object", utf8("{\"custom_id\":\"r1\",\"body\":")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherValues")
    void shouldKeepAnyValueThatIsNotAnObjectAsItsExactBytes(String kind, byte[] value) {
        JsonNode produced = published(forInvalid(new RequestDecoder(), value, 1));

        assertThat(schema.validate(produced)).isEmpty();
        assertThat(produced.get("original").isNull()).isTrue();
        assertThat(Base64.getDecoder().decode(produced.get("original_base64").asString())).isEqualTo(value);
        assertThat(produced.get("custom_id").isNull()).isTrue();
        assertThat(produced.get("request_id").isNull()).isTrue();
    }

    @Test
    void shouldKeepNothingForARecordWithoutAValue() {
        JsonNode produced = published(forInvalid(new RequestDecoder(), null, 3));

        assertThat(schema.validate(produced)).isEmpty();
        assertThat(produced.at("/error/code").asString()).isEqualTo("invalid_json");
        assertThat(produced.get("original").isNull()).isTrue();
        assertThat(produced.get("original_base64").isNull()).isTrue();
    }

    @Test
    void shouldIdentifyAnInvalidObjectByItsFieldsAndKeepItAsJson() {
        byte[] value = utf8("{\"custom_id\":\"r7\",\"url\":\"/v1/completions\",\"body\":{\"model\":\"m\",\"prompt\":[\"a\",1]}}");
        DeadLetter deadLetter = forInvalid(new RequestDecoder(), value, 4);
        JsonNode produced = published(deadLetter);

        assertThat(schema.validate(produced)).isEmpty();
        assertThat(deadLetter.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(deadLetter.error().message()).isEqualTo("/body/prompt/1: must be a string, not an integer");
        assertThat(produced.get("custom_id").asString()).isEqualTo("r7");
        assertThat(produced.get("request_id").asString()).isEqualTo("r7");
        assertThat(produced.get("model").asString()).isEqualTo("m");
        assertThat(produced.get("original")).isEqualTo(MessageCodec.mapper().readTree(value));
        assertThat(produced.get("original_base64").isNull()).isTrue();
    }

    @Test
    void shouldBuildASchemaValidDeadLetterForAServedRequestThatFailed() {
        byte[] value = utf8("{\"custom_id\":\"q-18\",\"batch_id\":\"b-42\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}");
        Decoded.Valid valid = (Decoded.Valid) new RequestDecoder().decode(value);
        Work work = new Work(valid.request(), valid.tree(), new Source(TOPIC, 3, 1207), AT, Map.of());
        HttpReply reply = new HttpReply(400, utf8("{\"error\":\"bad\"}"), Optional.empty());

        JsonNode produced = published(deadLetters.forRequest(work, ErrorCode.UPSTREAM_REJECTED, "the backend said 400", reply, 1, AT));

        assertThat(schema.validate(produced)).isEmpty();
        assertThat(produced.at("/original/custom_id").asString()).isEqualTo("q-18");
        assertThat(produced.at("/response/status_code").asInt()).isEqualTo(400);
        assertThat(produced.get("request_id").asString()).isEqualTo("b-42:q-18");
    }

    private DeadLetter forInvalid(RequestDecoder decoder, byte[] value, long offset) {
        Decoded decoded = decoder.decode(value);
        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        Decoded.Invalid invalid = (Decoded.Invalid) decoded;
        return deadLetters.forInvalid(value, invalid.tree(), invalid.code(), invalid.message(), new Source(TOPIC, 0, offset), AT);
    }

    /** As a reader of the dead-letter topic sees it. */
    private static JsonNode published(DeadLetter deadLetter) {
        return MessageCodec.mapper().readTree(MessageCodec.encode(deadLetter));
    }

    private static Arguments golden(String file, long offset, byte[] value) {
        return Arguments.of(file, offset, value);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
