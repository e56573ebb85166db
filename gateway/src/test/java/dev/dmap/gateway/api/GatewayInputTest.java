package dev.dmap.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmap.gateway.Quoted;
import org.junit.jupiter.api.Test;

/** What the gateway accepts from a client besides the JSONL itself: file names, OpenAI's expires_after, the completion window. */
class GatewayInputTest {
    @Test
    void shouldKeepOnlyTheFileNameOfWhatTheClientSends() {
        assertThat(dev.dmap.gateway.files.FileNames.clean("batch.jsonl")).isEqualTo("batch.jsonl");
        assertThat(dev.dmap.gateway.files.FileNames.clean("/home/alice/data/batch.jsonl")).isEqualTo("batch.jsonl");
        assertThat(dev.dmap.gateway.files.FileNames.clean("C:\\Users\\alice\\batch.jsonl")).isEqualTo("batch.jsonl");
        assertThat(dev.dmap.gateway.files.FileNames.clean("bad\u0000name.jsonl")).isEqualTo("badname.jsonl");
        assertThat(dev.dmap.gateway.files.FileNames.clean("/")).isEqualTo("upload.jsonl");
        assertThat(dev.dmap.gateway.files.FileNames.clean(null)).isEqualTo("upload.jsonl");
    }

    @Test
    void shouldTakeExpiresAfterWithinOpenAisBoundsOnly() {
        assertThat(ExpiresAfter.seconds("created_at", 3_600, "expires_after")).isEqualTo(3_600);
        assertThat(ExpiresAfter.seconds(null, "2592000", "expires_after")).isEqualTo(2_592_000);
        for (Object seconds : new Object[] {0, -5, 3_599, 2_592_001, "soon", Long.MAX_VALUE}) {
            assertThatThrownBy(() -> ExpiresAfter.seconds("created_at", seconds, "expires_after")).as("%s", seconds)
                    .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status().value()).isEqualTo(400))
                    .hasMessageContaining("expires_after");
        }
        assertThatThrownBy(() -> ExpiresAfter.seconds("last_active_at", 3_600, "output_expires_after"))
                .hasMessageContaining("output_expires_after");
    }

    @Test
    void shouldTakeACompletionWindowFromAnHourToThirtyDaysOnly() {
        assertThat(BatchesController.window("24h")).hasHours(24);
        assertThat(BatchesController.window("1h")).hasHours(1);
        assertThat(BatchesController.window("30d")).hasDays(30);
        for (String window : new String[] {"1s", "59m", "31d", "106751991167300d", "1000000000000d", "-24h", "soon", ""}) {
            assertThatThrownBy(() -> BatchesController.window(window)).as(window)
                    .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status().value()).isEqualTo(400))
                    .hasMessageContaining("from 1h to 30d");
        }
    }

    @Test
    void shouldQuoteAtMostAShortEscapedPrefixOfWhatAClientSent() {
        String flood = "x".repeat(4_000_000);

        assertThatThrownBy(() -> BatchesController.window(flood)).satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200)
                .contains("(4000000 characters)"));
        assertThat(Quoted.prefix("a\u0000b")).isEqualTo("'a\\u0000b'");
    }
}
