package dev.dmap.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * Freezes the wire format: each golden file must validate against its JSON Schema, decode into
 * its record, and encode back to the same JSON. A failure here means the contract changed;
 * evolution is by addition only.
 */
class GoldenFilesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "request-v1.json, request",
        "request-responses-v1.json, request",
        "result-v1.json, result",
        "result-responses-v1.json, result",
        "result-cache-hit-v1.json, result",
        "cache-entry-v1.json, cache-entry",
        "dead-letter-v1.json, dead-letter",
        "dead-letter-undecodable-v1.json, dead-letter",
        "dead-letter-invalid-request-v1.json, dead-letter",
        "dead-letter-array-v1.json, dead-letter",
        "dead-letter-scalar-v1.json, dead-letter",
        "dead-letter-invalid-utf8-v1.json, dead-letter",
        "dead-letter-empty-v1.json, dead-letter",
        "dead-letter-too-large-v1.json, dead-letter",
        "batch-state-v1.json, batch-state",
        "worker-status-v1.json, worker-status",
        "worker-status-stopped-v1.json, worker-status",
        "batch-command-v1.json, batch-command",
        "batch-event-v1.json, batch-event"
    })
    void shouldValidateAgainstItsSchemaAndRoundTripThroughItsRecord(String file, String kind) {
        JsonNode golden = golden(file);
        assertThat(validator(kind).validate(golden)).isEmpty();
        Object record = MessageCodec.mapper().treeToValue(golden, type(kind));
        assertThat(reparsed(record)).isEqualTo(golden);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"request-v1.json", "request-responses-v1.json", "openai-batch-line.json"})
    void shouldDecodeAsAValidRequest(String file) {
        Decoded decoded = new RequestDecoder().decode(golden(file));
        assertThat(decoded).isInstanceOf(Decoded.Valid.class);
    }

    @org.junit.jupiter.api.Test
    void shouldEncodeADecodedRequestBackToTheGoldenRequest() {
        JsonNode golden = golden("request-v1.json");
        Request request = ((Decoded.Valid) new RequestDecoder().decode(golden)).request();
        assertThat(reparsed(request)).isEqualTo(golden);
    }

    @org.junit.jupiter.api.Test
    void shouldReadTheResponsesApisUsageAndMaxOutputTokens() {
        Request request = ((Decoded.Valid) new RequestDecoder().decode(golden("request-responses-v1.json"))).request();
        assertThat(request.endpoint()).isEqualTo(Endpoint.RESPONSES);
        assertThat(request.maxTokens()).isEqualTo(64);
        assertThat(Usage.of(golden("result-responses-v1.json").at("/response/body/usage"))).isEqualTo(new Usage(14, 2, 16));
        assertThat(Usage.of(golden("result-v1.json").at("/response/body/usage"))).isEqualTo(new Usage(12, 2, 14));
    }

    private static SchemaValidator validator(String kind) {
        return switch (kind) {
            case "request" -> SchemaValidator.request();
            case "result" -> SchemaValidator.result();
            case "cache-entry" -> SchemaValidator.cacheEntry();
            case "dead-letter" -> SchemaValidator.deadLetter();
            case "batch-state" -> SchemaValidator.batchState();
            case "worker-status" -> SchemaValidator.workerStatus();
            case "batch-command" -> SchemaValidator.batchCommand();
            case "batch-event" -> SchemaValidator.batchEvent();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static Class<?> type(String kind) {
        return switch (kind) {
            case "request" -> Request.class;
            case "result" -> Result.class;
            case "cache-entry" -> CacheEntry.class;
            case "dead-letter" -> DeadLetter.class;
            case "batch-state" -> BatchState.class;
            case "worker-status" -> WorkerStatus.class;
            case "batch-command" -> BatchCommand.class;
            case "batch-event" -> BatchEvent.class;
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** Through bytes, so that numbers compare by value and not by node type. */
    private static JsonNode reparsed(Object record) {
        return MessageCodec.mapper().readTree(MessageCodec.encode(record));
    }

    static JsonNode golden(String file) {
        try (InputStream in = GoldenFilesTest.class.getResourceAsStream("/golden/" + file)) {
            return MessageCodec.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
