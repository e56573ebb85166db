package dev.dmap.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmap.devkit.net.FreePorts;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * The library's fleet readers keep its contract when Kafka does not answer: a ClientException that
 * says to try again, never a bare Kafka TimeoutException (one escaped FleetModels in the chaos run
 * and failed a gateway's batch for good).
 */
class UnreachableKafkaReadersIT {

    @Test
    void shouldSayKafkaIsUnavailableWhenReadingTheFleetOrItsServiceTimes() throws Exception {
        KafkaConnection nobody = KafkaConnection.of("127.0.0.1:" + FreePorts.next(), "dmap");

        assertThatThrownBy(() -> new FleetModels(nobody, Clock.systemUTC()).workers())
                .isInstanceOfSatisfying(ClientException.class, e -> org.assertj.core.api.Assertions.assertThat(e.retryable()).isTrue());
        assertThatThrownBy(() -> new ServiceTimes(nobody).recent())
                .isInstanceOfSatisfying(ClientException.class, e -> org.assertj.core.api.Assertions.assertThat(e.retryable()).isTrue());
    }
}
