package dev.dmap.gateway.api.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** One error code's dead letters of a batch: how many, and the first few (custom id, message, attempts; no request text). */
final class ErrorGroup {
    /** Dead letters shown per error code on a batch's page: the first few are enough to see the cause. */
    static final int EXAMPLES_PER_CODE = 3;

    private final String code;
    private final List<String[]> examples = new ArrayList<>();
    private int count;

    ErrorGroup(String code) {
        this.code = code;
    }

    /** A batch's dead letters grouped by code; a request that failed again after a replay counts once, by its latest. */
    static List<ErrorGroup> of(Iterable<JsonNode> deadLetters) {
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        for (JsonNode letter : deadLetters) {
            latest.remove(letter.path("request_id").asString(""));
            latest.put(letter.path("request_id").asString(""), letter);
        }
        Map<String, ErrorGroup> groups = new LinkedHashMap<>();
        for (JsonNode letter : latest.values()) {
            String code = letter.path("error").path("code").asString("unknown");
            groups.computeIfAbsent(code, ErrorGroup::new).add(letter.path("custom_id").asString(""),
                    letter.path("error").path("message").asString(""),
                    letter.path("original").path("attempt").asInt(letter.path("attempts").asInt(1)));
        }
        return List.copyOf(groups.values());
    }

    void add(String customId, String message, int attempts) {
        count++;
        if (examples.size() < EXAMPLES_PER_CODE) {
            examples.add(new String[] {customId, message, String.valueOf(attempts)});
        }
    }

    public String getCode() {
        return code;
    }

    public int getCount() {
        return count;
    }

    public List<String[]> getExamples() {
        return examples;
    }
}
