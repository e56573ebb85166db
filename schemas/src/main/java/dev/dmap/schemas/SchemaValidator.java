package dev.dmap.schemas;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * Validates JSON against one of dmap's JSON Schema files (draft 2020-12), reporting every
 * problem with the JSON pointer of its field. The schema files on the classpath under
 * {@code dev/dmap/schemas/} are the contract for non-Java clients; this class is how Java code
 * holds itself to them. Messages name the rule that failed, never the offending value, so that
 * they can go into logs and dead letters without carrying prompt text. Thread-safe.
 */
public final class SchemaValidator {
    private final Schema schema;

    private SchemaValidator(Schema schema) {
        this.schema = schema;
    }

    public static SchemaValidator request() {
        return load("request-v1.schema.json");
    }

    public static SchemaValidator cacheEntry() {
        return load("cache-entry-v1.schema.json");
    }

    public static SchemaValidator result() {
        return load("result-v1.schema.json");
    }

    public static SchemaValidator deadLetter() {
        return load("dead-letter-v1.schema.json");
    }

    public static SchemaValidator batchState() {
        return load("batch-state-v1.schema.json");
    }

    public static SchemaValidator batchCommand() {
        return load("batch-command-v1.schema.json");
    }

    public static SchemaValidator batchEvent() {
        return load("batch-event-v1.schema.json");
    }

    public static SchemaValidator workerStatus() {
        return load("worker-status-v1.schema.json");
    }

    /** Loads a schema file that sits beside this class. */
    static SchemaValidator load(String fileName) {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        try (InputStream in = SchemaValidator.class.getResourceAsStream(fileName)) {
            if (in == null) {
                throw new IllegalStateException("schema file missing from the classpath: " + fileName);
            }
            return new SchemaValidator(registry.getSchema(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every problem, ordered by field path; empty when the document is valid. */
    public List<Violation> validate(JsonNode document) {
        return schema.validate(document).stream()
                .map(SchemaValidator::toViolation)
                .distinct()
                .sorted(Comparator.comparing(Violation::path).thenComparing(Violation::message))
                .toList();
    }

    private static Violation toViolation(Error error) {
        String path = JsonPointers.fromNodePath(error.getInstanceLocation());
        String property = error.getProperty();
        if ("required".equals(error.getKeyword()) && property != null) {
            return new Violation(path + "/" + property, "required field is missing");
        }
        if ("type".equals(error.getKeyword()) && error.getSchemaNode() != null) {
            return new Violation(path, typeMismatch(error.getSchemaNode(), error.getInstanceNode()));
        }
        return new Violation(path, stripLocation(error.getMessage()));
    }

    /**
     * "must be a number or null, not a string": the schema's allowed types, then the type found.
     * The validator's own wording ("string found, [number, null] expected") reads backwards.
     */
    private static String typeMismatch(JsonNode allowed, JsonNode found) {
        List<String> names = allowed.isArray()
                ? allowed.valueStream().map(JsonNode::asString).toList()
                : List.of(allowed.asString());
        List<String> alternatives = names.stream().map(SchemaValidator::withArticle).toList();
        String expected = alternatives.size() == 1 ? alternatives.get(0)
                : String.join(", ", alternatives.subList(0, alternatives.size() - 1)) + " or " + alternatives.get(alternatives.size() - 1);
        return found == null ? "must be " + expected : "must be " + expected + ", not " + withArticle(typeOf(found));
    }

    /** The JSON Schema type name of a value; "number" only for numbers that are not integers. */
    private static String typeOf(JsonNode node) {
        if (node.isIntegralNumber() || node.isNumber() && node.asDouble() == Math.rint(node.asDouble())) {
            return "integer";
        }
        return switch (node.getNodeType()) {
            case NUMBER -> "number";
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            case OBJECT -> "object";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String withArticle(String type) {
        return switch (type) {
            case "null" -> "null";
            case "integer", "array", "object" -> "an " + type;
            default -> "a " + type;
        };
    }

    /** The validator prefixes messages with the location ("$.body.model: ..."); the path says that already. */
    private static String stripLocation(String message) {
        int colon = message.indexOf(": ");
        return message.startsWith("$") && colon > 0 ? message.substring(colon + 2) : message;
    }
}
