package dev.dmap.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request schema type-checks the documented OpenAI body parameters of each endpoint: a wrong
 * type is an invalid_request naming the field's JSON pointer, and parameters the schema does not
 * name pass through.
 */
class RequestBodySchemaTest {
    private static final String CHAT = "/v1/chat/completions";
    private static final String COMPLETIONS = "/v1/completions";
    private static final String EMBEDDINGS = "/v1/embeddings";
    private static final String RESPONSES = "/v1/responses";
    private static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    private final RequestDecoder decoder = new RequestDecoder();

    static Stream<Arguments> badBodies() {
        return Stream.of(
                bad(RESPONSES, "\"instructions\":\"x\"", "/body/input", "required field is missing"),
                bad(RESPONSES, "\"input\":[]", "/body/input", "at least 1"),
                bad(RESPONSES, "\"input\":\"hi\",\"max_output_tokens\":0", "/body/max_output_tokens", "minimum value of 1"),
                bad(RESPONSES, "\"input\":\"hi\",\"previous_response_id\":\"resp_1\"", "/body/previous_response_id", "null"),
                bad(CHAT, MESSAGES + ",\"temperature\":\"hot\"", "/body/temperature", "must be a number or null, not a string"),
                bad(CHAT, MESSAGES + ",\"temperature\":2.5", "/body/temperature", "maximum value of 2"),
                bad(CHAT, MESSAGES + ",\"temperature\":-0.1", "/body/temperature", "minimum value of 0"),
                bad(CHAT, MESSAGES + ",\"top_p\":1.5", "/body/top_p", "maximum value of 1"),
                bad(CHAT, MESSAGES + ",\"top_p\":true", "/body/top_p", "must be a number or null, not a boolean"),
                bad(CHAT, MESSAGES + ",\"max_tokens\":0", "/body/max_tokens", "minimum value of 1"),
                bad(CHAT, MESSAGES + ",\"max_tokens\":12.5", "/body/max_tokens", "must be an integer or null, not a number"),
                bad(CHAT, MESSAGES + ",\"max_tokens\":\"256\"", "/body/max_tokens", "not a string"),
                bad(CHAT, MESSAGES + ",\"max_completion_tokens\":-3", "/body/max_completion_tokens", "minimum value of 1"),
                bad(CHAT, MESSAGES + ",\"n\":0", "/body/n", "minimum value of 1"),
                bad(CHAT, MESSAGES + ",\"stop\":7", "/body/stop", "must be a string, an array or null, not an integer"),
                bad(CHAT, MESSAGES + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]", "/body/stop", "at most 4 items"),
                bad(CHAT, MESSAGES + ",\"stop\":[\"a\",1]", "/body/stop/1", "must be a string, not an integer"),
                bad(CHAT, MESSAGES + ",\"seed\":1.5", "/body/seed", "must be an integer or null"),
                bad(CHAT, MESSAGES + ",\"presence_penalty\":3", "/body/presence_penalty", "maximum value of 2"),
                bad(CHAT, MESSAGES + ",\"frequency_penalty\":-2.5", "/body/frequency_penalty", "minimum value of -2"),
                bad(CHAT, MESSAGES + ",\"logprobs\":\"yes\"", "/body/logprobs", "must be a boolean or null"),
                bad(CHAT, MESSAGES + ",\"top_logprobs\":21", "/body/top_logprobs", "maximum value of 20"),
                bad(CHAT, MESSAGES + ",\"stream\":\"yes\"", "/body/stream", "must be a boolean or null"),
                bad(CHAT, MESSAGES + ",\"user\":42", "/body/user", "must be a string, not an integer"),
                bad(CHAT, MESSAGES + ",\"response_format\":\"json\"", "/body/response_format", "must be an object, not a string"),
                bad(CHAT, MESSAGES + ",\"response_format\":{}", "/body/response_format/type", "required field is missing"),
                bad(CHAT, MESSAGES + ",\"response_format\":{\"type\":\"yaml\"}", "/body/response_format/type", "enumeration"),
                bad(CHAT, MESSAGES + ",\"response_format\":{\"type\":\"json_schema\"}", "/body/response_format/json_schema",
                        "required field is missing"),
                bad(CHAT, MESSAGES + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":[]}",
                        "/body/response_format/json_schema", "must be an object, not an array"),
                bad(CHAT, MESSAGES + ",\"tools\":{}", "/body/tools", "must be an array, not an object"),
                bad(CHAT, MESSAGES + ",\"tools\":[{\"function\":{\"name\":\"f\"}}]", "/body/tools/0/type", "required field is missing"),
                bad(CHAT, MESSAGES + ",\"tools\":[{\"type\":\"function\",\"function\":{}}]", "/body/tools/0/function/name",
                        "required field is missing"),
                bad(CHAT, MESSAGES + ",\"tool_choice\":1", "/body/tool_choice", "must be a string or an object, not an integer"),
                bad(CHAT, "\"messages\":\"hi\"", "/body/messages", "must be an array, not a string"),
                bad(CHAT, "\"messages\":[\"hi\"]", "/body/messages/0", "must be an object, not a string"),
                bad(CHAT, "\"messages\":[{\"content\":\"hi\"}]", "/body/messages/0/role", "required field is missing"),
                bad(CHAT, "\"messages\":[{\"role\":1,\"content\":\"hi\"}]", "/body/messages/0/role", "must be a string, not an integer"),
                bad(CHAT, "\"messages\":[{\"role\":\"user\",\"content\":42}]", "/body/messages/0/content",
                        "must be a string, an array or null, not an integer"),
                bad(CHAT, "\"messages\":[{\"role\":\"user\",\"content\":[\"hi\"]}]", "/body/messages/0/content/0",
                        "must be an object, not a string"),
                bad(CHAT, "\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]", "/body/messages/0/content/0/type",
                        "required field is missing"),
                bad(COMPLETIONS, "\"prompt\":{\"text\":\"hi\"}", "/body/prompt", "must be a string or an array, not an object"),
                bad(COMPLETIONS, "\"prompt\":[]", "/body/prompt", "at least 1 items"),
                bad(COMPLETIONS, "\"prompt\":[\"a\",1]", "/body/prompt/1", "must be a string, not an integer"),
                bad(COMPLETIONS, "\"prompt\":[1,\"a\"]", "/body/prompt/1", "must be an integer, not a string"),
                bad(COMPLETIONS, "\"prompt\":[1,-2]", "/body/prompt/1", "minimum value of 0"),
                bad(COMPLETIONS, "\"prompt\":[[1,2],[3,\"x\"]]", "/body/prompt/1/1", "must be an integer, not a string"),
                bad(COMPLETIONS, "\"prompt\":[[1],2]", "/body/prompt/1", "must be an array, not an integer"),
                bad(COMPLETIONS, "\"prompt\":\"p\",\"temperature\":\"hot\"", "/body/temperature", "must be a number or null"),
                bad(COMPLETIONS, "\"prompt\":\"p\",\"max_tokens\":-1", "/body/max_tokens", "minimum value of 1"),
                bad(COMPLETIONS, "\"prompt\":\"p\",\"logprobs\":true", "/body/logprobs", "must be an integer or null, not a boolean"),
                bad(COMPLETIONS, "\"prompt\":\"p\",\"logprobs\":6", "/body/logprobs", "maximum value of 5"),
                bad(COMPLETIONS, "\"prompt\":\"p\",\"echo\":\"no\"", "/body/echo", "must be a boolean or null"),
                bad(COMPLETIONS, "\"prompt\":\"p\",\"stop\":[1]", "/body/stop/0", "must be a string, not an integer"),
                bad(EMBEDDINGS, "\"input\":42", "/body/input", "must be a string or an array, not an integer"),
                bad(EMBEDDINGS, "\"input\":[\"a\",[1]]", "/body/input/1", "must be a string, not an array"),
                bad(EMBEDDINGS, "\"input\":\"x\",\"encoding_format\":\"int8\"", "/body/encoding_format", "enumeration"),
                bad(EMBEDDINGS, "\"input\":\"x\",\"dimensions\":0", "/body/dimensions", "minimum value of 1"),
                bad(EMBEDDINGS, "\"input\":\"x\",\"dimensions\":\"256\"", "/body/dimensions", "must be an integer, not a string"),
                bad(EMBEDDINGS, "\"input\":\"x\",\"user\":[]", "/body/user", "must be a string, not an array"));
    }

    static Stream<Arguments> goodBodies() {
        return Stream.of(
                good(CHAT, MESSAGES),
                good(CHAT, MESSAGES + ",\"temperature\":0,\"top_p\":1,\"max_tokens\":1,\"max_completion_tokens\":64,\"n\":2,"
                        + "\"seed\":-7,\"presence_penalty\":-2,\"frequency_penalty\":2,\"logprobs\":true,\"top_logprobs\":20,"
                        + "\"stream\":false,\"user\":\"u-1\",\"stop\":\"\\n\""),
                good(CHAT, MESSAGES + ",\"temperature\":2,\"max_tokens\":256.0,\"stop\":[\"a\",\"b\",\"c\",\"d\"]"),
                good(CHAT, MESSAGES + ",\"temperature\":null,\"top_p\":null,\"max_tokens\":null,\"stop\":null,\"seed\":null,"
                        + "\"logprobs\":null,\"top_logprobs\":null,\"n\":null"),
                good(CHAT, MESSAGES + ",\"top_k\":40,\"min_p\":\"anything\",\"repeat_penalty\":{\"x\":[1]},\"ttl\":300"),
                good(CHAT, MESSAGES + ",\"response_format\":{\"type\":\"json_object\"}"),
                good(CHAT, MESSAGES + ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\","
                        + "\"strict\":true,\"schema\":{\"type\":\"object\"}}}"),
                good(CHAT, MESSAGES + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}],"
                        + "\"tool_choice\":\"auto\",\"parallel_tool_calls\":false"),
                good(CHAT, MESSAGES + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}"),
                good(CHAT, "\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]},"
                        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\"}]},"
                        + "{\"role\":\"tool\",\"content\":\"42\",\"tool_call_id\":\"c1\",\"extra\":true}]"),
                good(COMPLETIONS, "\"prompt\":\"once upon\""),
                good(COMPLETIONS, "\"prompt\":[\"a\",\"b\"],\"temperature\":0.7,\"max_tokens\":16,\"logprobs\":5,\"echo\":true,"
                        + "\"best_of\":2,\"suffix\":\"end\",\"stop\":[\".\"],\"seed\":1"),
                good(COMPLETIONS, "\"prompt\":[1,2,3]"),
                good(COMPLETIONS, "\"prompt\":[[1,2],[3]],\"mirostat\":2"),
                good(EMBEDDINGS, "\"input\":\"x\""),
                good(EMBEDDINGS, "\"input\":[\"x\",\"y\"],\"encoding_format\":\"base64\",\"dimensions\":256,\"user\":\"u\""),
                good(EMBEDDINGS, "\"input\":[1,2],\"encoding_format\":\"float\",\"truncate\":true"),
                good(EMBEDDINGS, "\"input\":[[1],[2,3]]"),
                good(RESPONSES, "\"input\":\"hi\""),
                good(RESPONSES, "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}],"
                        + "\"instructions\":\"be brief\",\"max_output_tokens\":64,\"temperature\":0.2,\"text\":{\"format\":{\"type\":\"text\"}},"
                        + "\"store\":false,\"reasoning\":{\"effort\":\"low\"}"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("badBodies")
    void shouldRefuseABadBodyParameterAtItsPointer(String url, String body, String pointer, String message) {
        Decoded decoded = decoder.decode(line(url, body));

        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        Decoded.Invalid invalid = (Decoded.Invalid) decoded;
        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(invalid.violations()).extracting(Violation::path).containsExactly(pointer);
        assertThat(invalid.message()).startsWith(pointer + ": ").contains(message);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("goodBodies")
    void shouldAcceptAGoodBodyAndKeepItUntouched(String url, String body) {
        String line = line(url, body);
        Decoded decoded = decoder.decode(line);

        assertThat(decoded).isInstanceOf(Decoded.Valid.class);
        Request request = ((Decoded.Valid) decoded).request();
        assertThat(request.body()).isEqualTo(MessageCodec.mapper().readTree(line).get("body"));
    }

    @Test
    void shouldNameTheFieldNotItsValueSoThatNoPromptTextLeaks() {
        Decoded.Invalid invalid = (Decoded.Invalid) decoder.decode(line(CHAT,
                "\"messages\":[{\"role\":\"user\",\"content\":[\"my-secret-prompt\"]}],\"stop\":\"my-secret-stop\",\"n\":\"my-secret-n\""));

        assertThat(invalid.violations()).extracting(Violation::path).containsExactly("/body/messages/0/content/0", "/body/n");
        assertThat(invalid.message()).doesNotContain("my-secret");
    }

    @Test
    void shouldNotQuoteAnUnrecognizedTokenOfBrokenJson() {
        Decoded.Invalid invalid = (Decoded.Invalid) decoder.decode(
                "{\"custom_id\":\"a\",\"url\":\"/v1/completions\",\"body\":{\"model\":\"m\",\"prompt\":my-secret-prompt}}");

        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_JSON);
        assertThat(invalid.message()).contains("Unrecognized token").contains("column").doesNotContain("my-secret");
    }

    @Test
    void shouldCheckTheBodyOnlyForItsOwnEndpoint() {
        // logprobs is a boolean for chat and a count for completions; prompt is not a chat parameter
        assertThat(decoder.decode(line(CHAT, MESSAGES + ",\"logprobs\":true,\"prompt\":{}"))).isInstanceOf(Decoded.Valid.class);
        assertThat(decoder.decode(line(COMPLETIONS, "\"prompt\":\"p\",\"logprobs\":3,\"messages\":7"))).isInstanceOf(Decoded.Valid.class);
        assertThat(decoder.decode(line(EMBEDDINGS, "\"input\":\"x\",\"temperature\":\"hot\""))).isInstanceOf(Decoded.Valid.class);
    }

    @Test
    void shouldAcceptEveryLineOfTheExampleBatch() throws IOException {
        List<String> lines = exampleLines("batch.jsonl");

        assertThat(lines).hasSizeGreaterThan(10);
        for (String line : lines) {
            assertThat(decoder.decode(line)).as(line).isInstanceOf(Decoded.Valid.class);
        }
    }

    @Test
    void shouldRefuseTheBadExampleBatchOnlyForItsDocumentedMistakes() throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> lines = exampleLines("bad-batch.jsonl");
        for (int i = 0; i < lines.size(); i++) {
            if (decoder.decode(lines.get(i)) instanceof Decoded.Invalid invalid) {
                problems.add((i + 1) + " " + invalid.code().code() + " " + invalid.violations().get(0).path());
            }
        }

        // line 4 repeats line 1's custom_id, which only a whole-file check (submit) can see
        assertThat(problems).containsExactly("2 invalid_request /body/model", "3 invalid_json ", "5 invalid_request /url");
    }

    private static List<String> exampleLines(String file) throws IOException {
        Path examples = Path.of("..", "examples", file);
        return Files.readAllLines(examples, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).toList();
    }

    private static String line(String url, String bodyFields) {
        return "{\"custom_id\":\"r1\",\"url\":\"" + url + "\",\"body\":{\"model\":\"m\"," + bodyFields + "}}";
    }

    private static Arguments bad(String url, String bodyFields, String pointer, String message) {
        return Arguments.of(url, bodyFields, pointer, message);
    }

    private static Arguments good(String url, String bodyFields) {
        return Arguments.of(url, bodyFields);
    }
}
