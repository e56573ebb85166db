package dev.dmap.schemas.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.Decoded;
import dev.dmap.schemas.Limits;
import dev.dmap.schemas.RequestDecoder;
import org.junit.jupiter.api.Test;

class ChatLineTest {
    @Test
    void shouldBuildALineTheWorkerDecodesAsTheRequestItDescribes() {
        Decoded decoded = new RequestDecoder(Limits.DEFAULT_MAX_REQUEST_BYTES)
                .decode(ChatLine.of("q1", "m1").content("Hello").maxTokens(8).bytes());

        assertThat(decoded).isInstanceOfSatisfying(Decoded.Valid.class, valid -> {
            assertThat(valid.request().customId()).isEqualTo("q1");
            assertThat(valid.request().model()).isEqualTo("m1");
            assertThat(valid.tree().at("/body/messages/0/content").asString()).isEqualTo("Hello");
            assertThat(valid.tree().at("/body/max_tokens").asInt()).isEqualTo(8);
        });
    }
}
