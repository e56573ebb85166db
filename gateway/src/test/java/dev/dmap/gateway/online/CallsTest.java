package dev.dmap.gateway.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmap.schemas.Endpoint;
import dev.dmap.schemas.MessageCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class CallsTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private final FleetView fleet = new FleetView(() -> Optional.of(Set.of("m")));
    private final Calls calls = new Calls(null, fleet, new OnlineMetrics(new SimpleMeterRegistry()),
            new Calls.Settings(Duration.ofMinutes(2), 3, Calls.INTERACTIVE_PRIORITY), Clock.fixed(NOW, ZoneOffset.UTC));

    CallsTest() {
        fleet.refresh();
    }

    @Test
    void shouldMakeAnInteractiveCallARequestWithItsDeadlineAndPriority() {
        Calls.Call call = calls.admit(Endpoint.CHAT_COMPLETIONS, json("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                Duration.ofSeconds(30));

        assertThat(call.interactive()).isTrue();
        assertThat(call.streamed()).isTrue();
        assertThat(call.request().priority()).isEqualTo(Calls.INTERACTIVE_PRIORITY);
        assertThat(call.request().deadline()).as("the SDK's shorter timeout").isEqualTo(NOW.plusSeconds(30));
        assertThat(call.request().url()).isEqualTo("/v1/chat/completions");
        assertThat(call.request().id()).startsWith("call-").isEqualTo(call.request().customId());
        assertThat(call.request().batchId()).isNull();
    }

    @Test
    void shouldSendAFlexCallWithTheBulkWorkUntilTheGatewaysTimeout() {
        Calls.Call call = calls.admit(Endpoint.CHAT_COMPLETIONS, json("{\"model\":\"m\",\"service_tier\":\"flex\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
                Duration.ofHours(1));

        assertThat(call.interactive()).isFalse();
        assertThat(call.request().priority()).isZero();
        assertThat(call.request().deadline()).as("never beyond --call-timeout").isEqualTo(NOW.plus(Duration.ofMinutes(2)));
    }

    @Test
    void shouldRefuseABadBodyNamingTheField() {
        assertThatThrownBy(() -> calls.admit(Endpoint.CHAT_COMPLETIONS, json("{\"model\":\"m\"}"), null))
                .isInstanceOfSatisfying(CallRefused.class, refused -> {
                    assertThat(refused.reason()).isEqualTo(CallRefused.Reason.INVALID);
                    assertThat(refused.param()).isEqualTo("messages");
                });
        assertThatThrownBy(() -> calls.admit(Endpoint.CHAT_COMPLETIONS, json("[1]"), null))
                .isInstanceOfSatisfying(CallRefused.class, refused -> assertThat(refused.reason()).isEqualTo(CallRefused.Reason.INVALID));
    }

    @Test
    void shouldRefuseAModelTheFleetDoesNotServe() {
        assertThatThrownBy(() -> calls.admit(Endpoint.EMBEDDINGS, json("{\"model\":\"other\",\"input\":\"x\"}"), null))
                .isInstanceOfSatisfying(CallRefused.class, refused -> {
                    assertThat(refused.reason()).isEqualTo(CallRefused.Reason.MODEL_NOT_FOUND);
                    assertThat(refused.getMessage()).contains("`other`", "serves: m");
                });
    }

    @Test
    void shouldRefuseBeyondTheOpenCallsItHoldsAndTakeOneAgainWhenOneIsAnswered() {
        Calls.Call first = calls.admit(Endpoint.EMBEDDINGS, json("{\"model\":\"m\",\"input\":\"x\"}"), null);
        calls.admit(Endpoint.EMBEDDINGS, json("{\"model\":\"m\",\"input\":\"x\"}"), null);
        calls.admit(Endpoint.EMBEDDINGS, json("{\"model\":\"m\",\"input\":\"x\"}"), null);

        assertThatThrownBy(() -> calls.admit(Endpoint.EMBEDDINGS, json("{\"model\":\"m\",\"input\":\"x\"}"), null))
                .isInstanceOfSatisfying(CallRefused.class, refused -> {
                    assertThat(refused.reason()).isEqualTo(CallRefused.Reason.BUSY);
                    assertThat(refused.retryAfterSeconds()).isPositive();
                });
        calls.answered(first, "success");
        assertThat(calls.admit(Endpoint.EMBEDDINGS, json("{\"model\":\"m\",\"input\":\"x\"}"), null)).isNotNull();
        assertThat(calls.open()).isEqualTo(3);
    }

    @Test
    void shouldNotMistakeAQuietSpellForASlowQueue() {
        long[] nanos = {0};
        Calls roomy = new Calls(null, fleet, new OnlineMetrics(new SimpleMeterRegistry()),
                new Calls.Settings(Duration.ofMillis(50), 1000, Calls.INTERACTIVE_PRIORITY), Clock.fixed(NOW, ZoneOffset.UTC),
                () -> nanos[0]);
        Calls.Call first = roomy.admit(Endpoint.EMBEDDINGS, json("{\"model\":\"m\",\"input\":\"x\"}"), null);
        roomy.answered(first, "success"); // the queue is empty again
        nanos[0] += Duration.ofMillis(120).toNanos(); // a quiet spell longer than the timeout
        Calls.Call second = roomy.admit(Endpoint.EMBEDDINGS, json("{\"model\":\"m\",\"input\":\"x\"}"), null);
        Calls.Call third = roomy.admit(Endpoint.EMBEDDINGS, json("{\"model\":\"m\",\"input\":\"x\"}"), null);
        roomy.answered(second, "success");

        assertThat(roomy.admit(Endpoint.EMBEDDINGS, json("{\"model\":\"m\",\"input\":\"x\"}"), null))
                .as("one call ahead, and no measured drain yet: admitted").isNotNull();
        roomy.answered(third, "success");
    }

    private static JsonNode json(String text) {
        return MessageCodec.mapper().readTree(text);
    }
}
