package dev.dmap.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PagesTest {
    private static final List<String> NEWEST_FIRST = List.of("e", "d", "c", "b", "a");

    private static Map<String, Object> page(Integer limit, String after) {
        return Pages.page(NEWEST_FIRST, limit, after, id -> id, id -> Map.of("id", id), Pages.MAX_LIMIT);
    }

    @Test
    void shouldWalkThePagesByTheLastIdWithoutRepeatingOrSkipping() {
        Map<String, Object> first = page(2, null);
        assertThat(first).containsEntry("first_id", "e").containsEntry("last_id", "d").containsEntry("has_more", true);
        Map<String, Object> second = page(2, "d");
        assertThat(second).containsEntry("first_id", "c").containsEntry("last_id", "b").containsEntry("has_more", true);
        Map<String, Object> last = page(2, "b");
        assertThat(last.get("data")).isEqualTo(List.of(Map.of("id", "a")));
        assertThat(last).containsEntry("has_more", false);
        assertThat(page(2, "a")).containsEntry("data", List.of()).containsEntry("first_id", null).containsEntry("has_more", false);
    }

    @Test
    void shouldDefaultToTwentyAndRefuseABadLimitOrCursorNamingTheParameter() {
        assertThat((List<?>) page(null, null).get("data")).hasSize(5);
        assertThatThrownBy(() -> page(0, null)).isInstanceOfSatisfying(ApiError.class,
                e -> assertThat(e.body().toString()).contains("param=limit"));
        assertThatThrownBy(() -> page(101, null)).isInstanceOf(ApiError.class);
        assertThatThrownBy(() -> page(2, "zzz")).isInstanceOfSatisfying(ApiError.class,
                e -> assertThat(e.body().toString()).contains("param=after"));
    }
}
