package dev.dmap.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A connection is read once, never changes, and never shows its secrets. */
class KafkaConnectionTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"alice\" password=\"s3cret-pw\";";
    @TempDir
    Path dir;

    @Test
    void shouldReadTheCommandConfigOnceSoALaterEditChangesNothing() throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");
        KafkaConnection kafka = KafkaConnection.load("k:9093", "dmap", config, Duration.ofSeconds(5));

        Files.writeString(config, "security.protocol=PLAINTEXT\n");

        assertThat(kafka.clientProperties()).containsEntry("security.protocol", "SASL_SSL").containsEntry("bootstrap.servers", "k:9093");
        assertThat(kafka.saslMechanism()).isEqualTo("SCRAM-SHA-512");
    }

    @Test
    void shouldHandOutCopiesThatCallersMayChange() {
        KafkaConnection kafka = KafkaConnection.of("k:9092", "dmap");

        kafka.clientProperties().put("acks", "0");

        assertThat(kafka.clientProperties()).doesNotContainKey("acks");
    }

    @Test
    void shouldLeaveThePropertiesAndTheirSecretsOutOfToString() throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), "sasl.jaas.config=" + JAAS + "\n");

        KafkaConnection kafka = KafkaConnection.load("k:9093", "dmap", config, Duration.ofSeconds(5));

        assertThat(kafka.toString()).contains("k:9093").doesNotContain("s3cret-pw").doesNotContain("alice");
    }

    @Test
    void shouldNameTheFileItCannotRead() {
        Path missing = dir.resolve("missing.properties");

        assertThatThrownBy(() -> KafkaConnection.load("k:9092", "dmap", missing, Duration.ofSeconds(5)))
                .isInstanceOf(ClientException.InvalidInput.class).hasMessageContaining("missing.properties");
    }
}
