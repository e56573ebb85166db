package dev.dmap.worker.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {

    @Test
    void shouldReadEventsToDoneWithTheirNamesAndJoinedDataLines() {
        List<String> seen = new ArrayList<>();
        List<ServerSentEvents.Event> events = ServerSentEvents.read(List.of(
                ": a comment", "data: {\"a\":1}", "", "event: response.completed", "data:{\"b\":", "data: 2}", "",
                "data: [DONE]", "", "data: {\"after\":true}", "").iterator(), sink(seen, false));

        assertThat(events).containsExactly(new ServerSentEvents.Event(null, "{\"a\":1}"),
                new ServerSentEvents.Event("response.completed", "{\"b\":\n2}"));
        assertThat(seen).containsExactly("null {\"a\":1}", "response.completed {\"b\":\n2}");
    }

    @Test
    void shouldKeepALastEventWithoutItsBlankLine() {
        List<ServerSentEvents.Event> events = ServerSentEvents.read(List.of("data: {\"a\":1}").iterator(),
                sink(new ArrayList<>(), false));
        assertThat(events).hasSize(1);
    }

    @Test
    void shouldStopAsSoonAsTheCallerHasGone() {
        assertThatThrownBy(() -> ServerSentEvents.read(List.of("data: {}", "").iterator(), sink(new ArrayList<>(), true)))
                .isInstanceOf(CallCancelled.class).hasMessageContaining("caller went away");
    }

    private static EventSink sink(List<String> seen, boolean cancelled) {
        return new EventSink() {
            @Override
            public void event(String type, String data) {
                seen.add(type + " " + data);
            }

            @Override
            public boolean cancelled() {
                return cancelled;
            }
        };
    }
}
