package dev.dmap.client;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Which dead letters {@code dmap dlq replay} republishes: each failed request once. A request that
 * failed several times (a replay that failed again) has several dead letters; only its latest
 * counts, by {@code failed_at} and then by the order read, so the request is republished once,
 * from its latest original, and only when that latest failure matches the code asked for. A request
 * that has a result (a replay that succeeded) has not failed any more and is not republished.
 *
 * @param replay      the dead letters to republish, one per request
 * @param duplicates  dead letters left out because a later one of the same request was kept
 * @param succeeded   requests left out because they have a result
 * @param undecodable dead letters without a parsed original, which cannot be replayed
 */
public record ReplaySelection(List<JsonNode> replay, int duplicates, int succeeded, int undecodable) {

    /**
     * @param deadLetters   the batch's dead letters, in the order read
     * @param code          only requests whose latest failure has this code, or null for all
     * @param withResult    ids of the requests that have a result
     */
    public static ReplaySelection of(List<JsonNode> deadLetters, String code, Set<String> withResult) {
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        int undecodable = 0;
        int duplicates = 0;
        for (JsonNode deadLetter : deadLetters) {
            JsonNode original = deadLetter.path("original");
            String requestId = deadLetter.path("request_id").asString(null);
            if (requestId == null || !original.isObject() || !original.at("/body/model").isString()) {
                undecodable++;
                continue;
            }
            JsonNode earlier = latest.get(requestId);
            if (earlier != null) {
                duplicates++;
                if (failedAt(deadLetter).isBefore(failedAt(earlier))) {
                    continue;
                }
            }
            latest.put(requestId, deadLetter);
        }
        List<JsonNode> replay = new ArrayList<>();
        int succeeded = 0;
        for (var entry : latest.entrySet()) {
            if (withResult.contains(entry.getKey())) {
                succeeded++;
            } else if (code == null || code.equals(entry.getValue().at("/error/code").asString(null))) {
                replay.add(entry.getValue());
            }
        }
        return new ReplaySelection(List.copyOf(replay), duplicates, succeeded, undecodable);
    }

    private static Instant failedAt(JsonNode deadLetter) {
        try {
            return Instant.parse(deadLetter.path("failed_at").asString(""));
        } catch (DateTimeParseException e) {
            return Instant.MIN;
        }
    }
}
