package dev.dmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceContextTest {

    @Test
    void shouldStartAValidSampledTraceForEachRequest() {
        Set<String> traceIds = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String traceparent = TraceContext.newTraceparent();
            assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            traceIds.add(traceparent.substring(3, 35));
        }
        assertThat(traceIds).hasSize(1000);
    }
}
