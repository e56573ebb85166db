package dev.dmap.gateway.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** OpenAI's cursor pagination: {@code limit} items after the one whose id is {@code after}, newest first. */
final class Pages {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private Pages() {
    }

    static <T> Map<String, Object> page(List<T> newestFirst, Integer limit, String after, Function<T, String> id,
            Function<T, Map<String, Object>> view, int maxLimit) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > maxLimit) {
            throw ApiError.invalid("limit", "limit must be between 1 and " + maxLimit + ": " + size);
        }
        int start = 0;
        if (after != null) {
            int at = -1;
            for (int i = 0; i < newestFirst.size() && at < 0; i++) {
                at = id.apply(newestFirst.get(i)).equals(after) ? i : -1;
            }
            if (at < 0) {
                throw ApiError.invalid("after", "No object found with id '" + after + "' to list after.");
            }
            start = at + 1;
        }
        List<T> slice = newestFirst.subList(start, Math.min(newestFirst.size(), start + size));
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("object", "list");
        page.put("data", slice.stream().map(view).toList());
        page.put("first_id", slice.isEmpty() ? null : id.apply(slice.get(0)));
        page.put("last_id", slice.isEmpty() ? null : id.apply(slice.get(slice.size() - 1)));
        page.put("has_more", start + slice.size() < newestFirst.size());
        return page;
    }
}
