package dev.dmap.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the bytes of a request record (or a JSONL line) into a {@link Decoded}: a valid request
 * with its defaults applied, or every reason it is not one. Never throws for bad input.
 * Thread-safe.
 */
public final class RequestDecoder {
    /** Default largest accepted request, in bytes. */
    public static final int DEFAULT_MAX_BYTES = Limits.DEFAULT_MAX_REQUEST_BYTES;

    private static final Pattern UNRECOGNIZED_TOKEN = Pattern.compile("Unrecognized token '.*?'(?=: was expecting|$)", Pattern.DOTALL);

    private final SchemaValidator validator = SchemaValidator.request();
    private final int maxBytes;

    public RequestDecoder() {
        this(DEFAULT_MAX_BYTES);
    }

    /** @param maxBytes larger values end as {@code payload_too_large} */
    public RequestDecoder(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.maxBytes = maxBytes;
    }

    public Decoded decode(byte[] value) {
        if (value == null || value.length == 0) {
            return invalid(ErrorCode.INVALID_JSON, "", "the record has no value", null);
        }
        if (value.length > maxBytes) {
            return invalid(ErrorCode.PAYLOAD_TOO_LARGE, "",
                    "the request is " + value.length + " bytes; the limit is " + maxBytes, null);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return invalid(ErrorCode.INVALID_JSON, "", "the value is not UTF-8 text", null);
        }
        return decode(text);
    }

    public Decoded decode(String text) {
        JsonNode tree;
        try {
            tree = MessageCodec.mapper().readTree(text);
        } catch (JacksonException e) {
            return invalid(ErrorCode.INVALID_JSON, "", "not valid JSON: " + describe(e), null);
        }
        if (tree == null || tree.isMissingNode()) {
            return invalid(ErrorCode.INVALID_JSON, "", "the value is empty", null);
        }
        return decode(tree);
    }

    public Decoded decode(JsonNode tree) {
        if (!tree.isObject()) {
            return invalid(ErrorCode.INVALID_REQUEST, "", "a request must be a JSON object, not " + kindOf(tree), tree);
        }
        JsonNode version = tree.get("schema_version");
        if (version != null && version.isIntegralNumber() && version.asInt() != Request.SCHEMA_VERSION) {
            return invalid(ErrorCode.UNSUPPORTED_SCHEMA_VERSION, "/schema_version",
                    "schema_version " + version.asInt() + " is not supported; this version reads " + Request.SCHEMA_VERSION,
                    tree);
        }
        List<Violation> violations = validator.validate(tree);
        if (!violations.isEmpty()) {
            return new Decoded.Invalid(ErrorCode.INVALID_REQUEST, violations, tree);
        }
        try {
            return new Decoded.Valid(toRequest((ObjectNode) tree), tree);
        } catch (BadTimestamp e) {
            // the value is not echoed: it is the sender's input, possibly large, and lands in logs and records
            return invalid(ErrorCode.INVALID_REQUEST, "/" + e.field, "must be an RFC 3339 timestamp such as 2026-11-27T08:00:00Z",
                    tree);
        }
    }

    /**
     * The request of a line this decoder found valid before (the second pass over a file that
     * was validated as a whole): parsed, with its defaults, without checking the schema again.
     *
     * @throws IllegalArgumentException when it is not even a JSON object with a request's fields
     */
    public Request validated(String text) {
        try {
            JsonNode tree = MessageCodec.mapper().readTree(text);
            if (tree == null || !tree.isObject() || !tree.path("custom_id").isString() || !tree.path("url").isString()
                    || !tree.path("body").isObject()) {
                throw new IllegalArgumentException("not a request");
            }
            return toRequest((ObjectNode) tree);
        } catch (JacksonException | BadTimestamp e) {
            throw new IllegalArgumentException("not a request: " + e.getClass().getSimpleName(), e);
        }
    }

    private static Request toRequest(ObjectNode tree) {
        return new Request(
                tree.get("custom_id").asString(),
                textOrNull(tree, "method"),
                tree.get("url").asString(),
                (ObjectNode) tree.get("body"),
                Request.SCHEMA_VERSION,
                textOrNull(tree, "id"),
                textOrNull(tree, "batch_id"),
                instantOrNull(tree, "submitted_at"),
                instantOrNull(tree, "deadline"),
                tree.has("priority") ? tree.get("priority").asInt() : 0,
                tree.has("attempt") ? tree.get("attempt").asInt() : 1,
                cacheOrNull(tree.get("cache")));
    }

    /** "an array", "a string", ...: what arrived instead of an object, without its content. */
    private static String kindOf(JsonNode tree) {
        return switch (tree.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static CacheControl cacheOrNull(JsonNode cache) {
        if (cache == null || cache.isNull()) {
            return null;
        }
        JsonNode maxAge = cache.get("max_age_seconds");
        return new CacheControl(textOrNull(cache, "mode"), maxAge == null || maxAge.isNull() ? null : maxAge.asLong());
    }

    private static String textOrNull(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        return node == null || node.isNull() ? null : node.asString();
    }

    private static Instant instantOrNull(JsonNode tree, String field) {
        String text = textOrNull(tree, field);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadTimestamp(field);
        }
    }

    /** A timestamp field that does not parse: which field, never its value. */
    private static final class BadTimestamp extends RuntimeException {
        private final String field;

        BadTimestamp(String field) {
            super(field, null, false, false);
            this.field = field;
        }
    }

    /**
     * The parser's complaint, first line only, with its column. Jackson quotes an unrecognized
     * token ("Unrecognized token 'hello'"), which may be prompt text; the quote is dropped so
     * that the message can go into logs and dead letters.
     */
    private static String describe(JacksonException e) {
        String message = UNRECOGNIZED_TOKEN.matcher(e.getOriginalMessage()).replaceFirst("Unrecognized token");
        TokenStreamLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            message += " (at column " + location.getColumnNr() + ")";
        }
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }

    private static Decoded.Invalid invalid(ErrorCode code, String path, String message, JsonNode tree) {
        return new Decoded.Invalid(code, List.of(new Violation(path, message)), tree);
    }
}
