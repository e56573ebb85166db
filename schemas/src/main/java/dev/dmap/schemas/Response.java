package dev.dmap.schemas;

import tools.jackson.databind.JsonNode;

/**
 * The backend's answer as an OpenAI Batch output line carries it.
 *
 * @param statusCode HTTP status
 * @param requestId  id of the backend call (the body's {@code id} when it has one)
 * @param body       the response body, unchanged; may be a JSON string when the backend sent text
 */
public record Response(int statusCode, String requestId, JsonNode body) {
}
