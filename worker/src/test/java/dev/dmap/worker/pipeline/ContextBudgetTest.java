package dev.dmap.worker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmap.schemas.Decoded;
import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.RequestDecoder;
import dev.dmap.worker.backend.LoadedModel;
import dev.dmap.worker.backend.PermanentFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContextBudgetTest {
    private final LoadedModel model = new LoadedModel("m", List.of("m"), 1000, 4, 0);

    @Test
    void shouldLetARequestThatFitsThrough() {
        assertThatCode(() -> new ContextBudget(0).check(request(200), 800, model)).doesNotThrowAnyException();
    }

    @Test
    void shouldRefusePromptPlusMaxTokensOverTheLoadedContext() {
        assertThatThrownBy(() -> new ContextBudget(0).check(request(201), 800, model))
                .isInstanceOfSatisfying(PermanentFailure.class,
                        failure -> org.assertj.core.api.Assertions.assertThat(failure.code()).isEqualTo(ErrorCode.CONTEXT_LENGTH_EXCEEDED))
                .hasMessageContaining("800").hasMessageContaining("1000");
    }

    @Test
    void shouldKeepTheMarginFree() {
        assertThatThrownBy(() -> new ContextBudget(10).check(request(200), 800, model)).isInstanceOf(PermanentFailure.class);
    }

    @Test
    void shouldAskForAnExactCountOnlyWhereTheEstimateLeavesDoubt() {
        assertThat(new ContextBudget(0).mayOverflow(request(100), 449, model)).isFalse(); // 2 x 449 + 100 < 1000
        assertThat(new ContextBudget(0).mayOverflow(request(100), 451, model)).isTrue();
    }

    @Test
    void shouldNeedNoMarginForAPromptTheServerCounted() {
        assertThatCode(() -> new ContextBudget(10).checkExact(request(200), 800, model)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new ContextBudget(10).checkExact(request(201), 800, model))
                .hasMessageContaining("has 800 tokens (counted by the server)").hasMessageNotContaining("margin");
    }

    private static Request request(int maxTokens) {
        Decoded decoded = new RequestDecoder().decode("{\"custom_id\":\"c\",\"url\":\"/v1/chat/completions\",\"body\":"
                + "{\"model\":\"m\",\"max_tokens\":" + maxTokens + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}");
        return ((Decoded.Valid) decoded).request();
    }
}
