package dev.dmap.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.MessageCodec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ReplaySelectionTest {

    @Test
    void shouldReplayARequestThatFailedTwiceOnceFromItsLatestDeadLetter() {
        JsonNode first = deadLetter("b1:q1", "retries_exhausted", "2026-12-01T10:00:00Z", 1);
        JsonNode second = deadLetter("b1:q1", "retries_exhausted", "2026-12-01T11:00:00Z", 2);
        JsonNode other = deadLetter("b1:q2", "retries_exhausted", "2026-12-01T10:30:00Z", 1);

        ReplaySelection selection = ReplaySelection.of(List.of(first, other, second), null, Set.of());

        assertThat(selection.replay()).containsExactly(second, other);
        assertThat(selection.duplicates()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheLatestByFailureTimeWhateverTheOrderRead() {
        JsonNode later = deadLetter("b1:q1", "model_not_found", "2026-12-01T11:00:00Z", 2);
        JsonNode earlier = deadLetter("b1:q1", "retries_exhausted", "2026-12-01T10:00:00Z", 1);

        ReplaySelection selection = ReplaySelection.of(List.of(later, earlier), null, Set.of());

        assertThat(selection.replay()).containsExactly(later);
    }

    @Test
    void shouldFilterByTheCodeOfTheLatestFailureOnly() {
        JsonNode earlier = deadLetter("b1:q1", "retries_exhausted", "2026-12-01T10:00:00Z", 1);
        JsonNode later = deadLetter("b1:q1", "model_not_found", "2026-12-01T11:00:00Z", 2);

        assertThat(ReplaySelection.of(List.of(earlier, later), "retries_exhausted", Set.of()).replay()).isEmpty();
        assertThat(ReplaySelection.of(List.of(earlier, later), "model_not_found", Set.of()).replay()).containsExactly(later);
    }

    @Test
    void shouldNotReplayARequestThatHasAResult() {
        JsonNode failed = deadLetter("b1:q1", "retries_exhausted", "2026-12-01T10:00:00Z", 1);

        ReplaySelection selection = ReplaySelection.of(List.of(failed), null, Set.of("b1:q1"));

        assertThat(selection.replay()).isEmpty();
        assertThat(selection.succeeded()).isEqualTo(1);
    }

    @Test
    void shouldCountUndecodableOriginalsAsNotReplayable() {
        JsonNode undecodable = MessageCodec.mapper().readTree("""
                {"request_id":null,"error":{"code":"invalid_json","message":"x"},"original":"bm90IGpzb24="}""");

        ReplaySelection selection = ReplaySelection.of(List.of(undecodable), null, Set.of());

        assertThat(selection.replay()).isEmpty();
        assertThat(selection.undecodable()).isEqualTo(1);
    }

    private static JsonNode deadLetter(String requestId, String code, String failedAt, int attempt) {
        return MessageCodec.mapper().readTree("""
                {"request_id":"%s","batch_id":"b1","error":{"code":"%s","message":"x"},"failed_at":"%s",
                 "original":{"custom_id":"%s","url":"/v1/chat/completions","attempt":%d,
                             "body":{"model":"m1","messages":[{"role":"user","content":"x"}]}}}"""
                .formatted(requestId, code, failedAt, requestId.substring(3), attempt));
    }
}
