package dev.dmap.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dead-letter golden files, one per kind of original: an object travels in {@code original},
 * every other value as its exact bytes in {@code original_base64}. The worker's DeadLettersTest
 * produces each of these files from its raw value.
 */
class DeadLetterOriginalTest {
    private final SchemaValidator validator = SchemaValidator.deadLetter();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "dead-letter-array-v1.json       | [1,2,3]",
        "dead-letter-scalar-v1.json      | \"str\"",
        "dead-letter-undecodable-v1.json | { not json",
        "dead-letter-empty-v1.json       | ''"
    })
    void shouldCarryAnyValueThatIsNotAnObjectAsItsExactBytes(String file, String value) {
        JsonNode golden = GoldenFilesTest.golden(file);

        assertThat(golden.get("original").isNull()).isTrue();
        assertThat(Base64.getDecoder().decode(golden.get("original_base64").asString()))
                .isEqualTo(value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldCarryBytesThatAreNotUtf8Exactly() {
        JsonNode golden = GoldenFilesTest.golden("dead-letter-invalid-utf8-v1.json");

        assertThat(Base64.getDecoder().decode(golden.get("original_base64").asString()))
                .isEqualTo(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'});
    }

    @Test
    void shouldCarryAnObjectAsJson() {
        JsonNode golden = GoldenFilesTest.golden("dead-letter-invalid-request-v1.json");

        assertThat(golden.at("/original/custom_id").asString()).isEqualTo("q-19");
        assertThat(golden.get("original_base64").isNull()).isTrue();
        assertThat(golden.at("/error/message").asString()).isEqualTo("/body/temperature: must be a number or null, not a string");
    }

    @Test
    void shouldRefuseANonObjectInOriginalAsTheWorkerOnceWroteIt() {
        ObjectNode old = (ObjectNode) GoldenFilesTest.golden("dead-letter-array-v1.json").deepCopy();
        old.set("original", MessageCodec.mapper().readTree("[1,2,3]"));
        old.putNull("original_base64");

        assertThat(validator.validate(old)).extracting(Violation::path).containsExactly("/original");
    }
}
