package dev.dmap.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.Endpoint;
import dev.dmap.worker.backend.ServerSentEvents;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class StreamAssemblyTest {

    @Test
    void shouldMakeAChatCompletionOfItsChunks() {
        JsonNode body = StreamAssembly.assemble(Endpoint.CHAT_COMPLETIONS, List.of(
                event("{\"id\":\"c1\",\"created\":7,\"model\":\"m\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}"),
                event("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}"),
                event("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"},\"finish_reason\":null}]}"),
                event("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"),
                event("{\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}")));

        assertThat(body.path("object").asString()).isEqualTo("chat.completion");
        assertThat(body.path("id").asString()).isEqualTo("c1");
        assertThat(body.path("created").asInt()).isEqualTo(7);
        assertThat(body.at("/choices/0/message/role").asString()).isEqualTo("assistant");
        assertThat(body.at("/choices/0/message/content").asString()).isEqualTo("Hello world");
        assertThat(body.at("/choices/0/finish_reason").asString()).isEqualTo("stop");
        assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(5);
    }

    @Test
    void shouldJoinTextCompletionsPerChoice() {
        JsonNode body = StreamAssembly.assemble(Endpoint.COMPLETIONS, List.of(
                event("{\"id\":\"t\",\"choices\":[{\"index\":1,\"text\":\"b\"},{\"index\":0,\"text\":\"a\"}]}"),
                event("{\"id\":\"t\",\"choices\":[{\"index\":0,\"text\":\"c\",\"finish_reason\":\"length\"}]}")));

        assertThat(body.path("object").asString()).isEqualTo("text_completion");
        assertThat(body.at("/choices/0/text").asString()).isEqualTo("ac");
        assertThat(body.at("/choices/0/finish_reason").asString()).isEqualTo("length");
        assertThat(body.at("/choices/1/text").asString()).isEqualTo("b");
    }

    @Test
    void shouldTakeTheCompletedResponseOfAResponsesStream() {
        JsonNode body = StreamAssembly.assemble(Endpoint.RESPONSES, List.of(
                new ServerSentEvents.Event("response.created", "{\"type\":\"response.created\",\"response\":{\"status\":\"in_progress\"}}"),
                new ServerSentEvents.Event("response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}"),
                new ServerSentEvents.Event("response.completed", "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\"}}")));

        assertThat(body.path("status").asString()).isEqualTo("completed");
    }

    @Test
    void shouldTellAUsageOnlyChunk() {
        assertThat(StreamAssembly.usageOnly("{\"choices\":[],\"usage\":{\"total_tokens\":5}}")).isTrue();
        assertThat(StreamAssembly.usageOnly("{\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"usage\":{\"total_tokens\":5}}")).isFalse();
        assertThat(StreamAssembly.usageOnly("not json")).isFalse();
    }

    private static ServerSentEvents.Event event(String data) {
        return new ServerSentEvents.Event(null, data);
    }
}
