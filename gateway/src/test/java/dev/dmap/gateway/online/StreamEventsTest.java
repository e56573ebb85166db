package dev.dmap.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.Endpoint;
import dev.dmap.schemas.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamEventsTest {

    @Test
    void shouldWriteEventsAsOpenAiDoes() {
        assertThat(text(StreamEvents.event(null, "{\"a\":1}"))).isEqualTo("data: {\"a\":1}\n\n");
        assertThat(text(StreamEvents.event("response.completed", "{}"))).isEqualTo("event: response.completed\ndata: {}\n\n");
        assertThat(text(StreamEvents.done(Endpoint.CHAT_COMPLETIONS))).isEqualTo("data: [DONE]\n\n");
        assertThat(StreamEvents.done(Endpoint.RESPONSES)).isEmpty();
    }

    @Test
    void shouldStreamAWholeChatAnswerAsOneChunkAndItsUsageWhenAsked() {
        var body = MessageCodec.mapper().readTree("{\"id\":\"c\",\"created\":1,\"model\":\"m\",\"object\":\"chat.completion\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"total_tokens\":3}}");

        List<byte[]> events = StreamEvents.of(Endpoint.CHAT_COMPLETIONS, body, true);

        assertThat(events).hasSize(2);
        var chunk = MessageCodec.mapper().readTree(text(events.get(0)).substring("data: ".length()));
        assertThat(chunk.path("object").asString()).isEqualTo("chat.completion.chunk");
        assertThat(chunk.at("/choices/0/delta/content").asString()).isEqualTo("Hello");
        assertThat(chunk.at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        var usage = MessageCodec.mapper().readTree(text(events.get(1)).substring("data: ".length()));
        assertThat(usage.path("choices").isEmpty()).isTrue();
        assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(3);
        assertThat(StreamEvents.of(Endpoint.CHAT_COMPLETIONS, body, false)).hasSize(1);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
