package dev.dmap.schemas;

import tools.jackson.databind.JsonNode;

/**
 * Which requests the response cache may answer: those whose answer is meant to be reproducible.
 * Embeddings always (an embedding has no sampling). Generation only with an explicit
 * {@code temperature} of 0 (greedy) or an explicit {@code seed}, and one choice: an absent
 * temperature is 1.0 in OpenAI's API, so a request that does not say otherwise asks for a fresh
 * sample every time, and {@code n} above 1 asks for different answers side by side.
 */
public final class Cacheable {
    private Cacheable() {
    }

    /** Why the request is not cacheable, or null when it is. */
    public static String refusal(String url, JsonNode body) {
        if (Endpoint.EMBEDDINGS.path().equals(url)) {
            return null;
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asInt() == 1)) {
            return "n is not 1";
        }
        JsonNode bestOf = body.get("best_of");
        if (bestOf != null && !bestOf.isNull() && !(bestOf.isIntegralNumber() && bestOf.asInt() == 1)) {
            return "best_of is not 1";
        }
        JsonNode temperature = body.get("temperature");
        boolean greedy = temperature != null && temperature.isNumber() && temperature.doubleValue() == 0.0;
        JsonNode seed = body.get("seed");
        boolean seeded = seed != null && seed.isIntegralNumber();
        return greedy || seeded ? null : "neither temperature 0 nor a seed";
    }

    public static boolean test(String url, JsonNode body) {
        return refusal(url, body) == null;
    }
}
