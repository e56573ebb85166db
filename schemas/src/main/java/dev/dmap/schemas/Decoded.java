package dev.dmap.schemas;

import java.util.List;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/** The outcome of decoding one request: a valid {@link Request}, or why it is not one. */
public sealed interface Decoded {

    /**
     * A valid request.
     *
     * @param request the request with defaults applied
     * @param tree    the JSON as it arrived
     */
    record Valid(Request request, JsonNode tree) implements Decoded {
    }

    /**
     * Not a valid request.
     *
     * @param code       invalid_json, invalid_request, unsupported_schema_version or payload_too_large
     * @param violations every problem found, with its field path (one entry for unparseable input)
     * @param tree       the JSON when it parsed, else null (the caller keeps the raw bytes)
     */
    record Invalid(ErrorCode code, List<Violation> violations, JsonNode tree) implements Decoded {
        public Invalid {
            violations = List.copyOf(violations);
        }

        /** All violations in one line, for an error message. */
        public String message() {
            return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
        }
    }
}
