package dev.dmap.worker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmap.worker.config.BackendSettings;
import dev.dmap.worker.config.WorkerConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerPropertiesTest {

    @Test
    void shouldFillEveryAbsentValueWithItsDefault() {
        WorkerConfig config = new WorkerProperties("w1", null, null, null, null, null, null, null, null).toConfig();
        assertThat(config.workerId()).isEqualTo("w1");
        assertThat(config.topics().prefix()).isEqualTo("dmap");
        assertThat(config.backend().baseUrl()).isEqualTo(BackendSettings.DEFAULT_URL);
        assertThat(config.backend().unloadCooldown()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    }

    @Test
    void shouldRejectAnInvalidValueWithItsName() {
        WorkerProperties.Retry retry = new WorkerProperties.Retry(0, null, null, null, null);
        assertThatThrownBy(() -> new WorkerProperties("w1", null, null, null, null, retry, null, null, null).toConfig())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
    }

    @Test
    void shouldNeverPrintTheApiKeyOrSecretClientProperties() {
        WorkerProperties.Backend backend = new WorkerProperties.Backend(URI.create("http://gpu:1234"), "sk-very-secret",
                null, null, null, null, null, null, null, null, null, null, null, null);
        WorkerProperties.Kafka kafka = new WorkerProperties.Kafka("k:9092", null, null, null, null, null, null,
                Map.of("sasl.jaas.config", "password=hunter2", "security.protocol", "SASL_SSL"));
        WorkerConfig config = new WorkerProperties("w1", null, null, kafka, backend, null, null, null, null).toConfig();
        assertThat(config.toString()).doesNotContain("sk-very-secret").doesNotContain("hunter2").contains("SASL_SSL");
        assertThat(backend.toString()).doesNotContain("sk-very-secret");
        assertThat(config.backend().apiKey()).isEqualTo("sk-very-secret");
    }
}
