package dev.dmap.worker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmap.worker.config.BackendKind;
import dev.dmap.worker.config.BackendSettings;
import dev.dmap.worker.config.WorkerConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerPropertiesTest {

    @Test
    void shouldFillEveryAbsentValueWithItsDefault() {
        WorkerConfig config = new WorkerProperties("w1", null, null, null, null, null, null, null, null, null).toConfig();
        assertThat(config.workerId()).isEqualTo("w1");
        assertThat(config.topics().prefix()).isEqualTo("dmap");
        assertThat(config.backend().baseUrl()).isEqualTo(BackendSettings.DEFAULT_URL);
        assertThat(config.backend().unloadCooldown()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    }

    @Test
    void shouldRejectAnInvalidValueWithItsName() {
        WorkerProperties.Retry retry = new WorkerProperties.Retry(0, null, null, null, null);
        assertThatThrownBy(() -> new WorkerProperties("w1", null, null, null, null, retry, null, null, null, null).toConfig())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
    }

    @Test
    void shouldReadTheBackendKindInTheConfigurationSpellingAndNameTheChoicesOfABadOne() {
        WorkerProperties.Backend llama = new WorkerProperties.Backend(URI.create("http://gpu:8080"), null,
                null, null, null, null, null, null, null, null, null, null, null, null, "llama-server", null);
        WorkerProperties.Backend none = new WorkerProperties.Backend(URI.create("http://gpu:8080"), null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        WorkerProperties.Backend bad = new WorkerProperties.Backend(URI.create("http://gpu:8080"), null,
                null, null, null, null, null, null, null, null, null, null, null, null, "ollama", null);

        assertThat(new WorkerProperties("w1", null, null, null, llama, null, null, null, null, null).toConfig().backend().kind())
                .isEqualTo(BackendKind.LLAMA_SERVER);
        assertThat(new WorkerProperties("w1", null, null, null, none, null, null, null, null, null).toConfig().backend().kind())
                .isEqualTo(BackendKind.AUTO);
        assertThatThrownBy(() -> new WorkerProperties("w1", null, null, null, bad, null, null, null, null, null).toConfig())
                .hasMessageContaining("dmap.backend.kind").hasMessageContaining("auto, lmstudio, llama-server, openai")
                .hasMessageContaining("ollama");
    }

    @Test
    void shouldNeverPrintTheApiKeyOrSecretClientProperties() {
        WorkerProperties.Backend backend = new WorkerProperties.Backend(URI.create("http://gpu:1234"), "sk-very-secret",
                null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        WorkerProperties.Kafka kafka = new WorkerProperties.Kafka("k:9092", null, null, null, null, null, null,
                Map.of("sasl.jaas.config", "password=hunter2", "security.protocol", "SASL_SSL"), 3, 2);
        WorkerConfig config = new WorkerProperties("w1", null, null, kafka, backend, null, null, null, null, null).toConfig();
        assertThat(config.toString()).doesNotContain("sk-very-secret").doesNotContain("hunter2").contains("SASL_SSL");
        assertThat(backend.toString()).doesNotContain("sk-very-secret");
        assertThat(config.kafka().replication()).isEqualTo(new dev.dmap.schemas.TopicReplication((short) 3, 2));
        assertThat(config.backend().apiKey()).isEqualTo("sk-very-secret");
    }
}
