package dev.dmap.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.worker.config.KafkaSettings;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class OutputTopicsTest {
    private static final KafkaSettings SCRAM = settings(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "scram-sha-512"));

    @Test
    void shouldNameTheSaslMechanismAndTheSettingWhenTheLoginIsRefused() {
        var wrapped = new IllegalStateException("could not create dmap's topics",
                new ExecutionException(new SaslAuthenticationException("invalid credentials")));

        assertThat(OutputTopics.refusal(wrapped, SCRAM)).startsWith("Kafka at broker:9094 refused authentication")
                .contains("SASL mechanism SCRAM-SHA-512").contains("invalid credentials")
                .contains("dmap.kafka.properties.sasl.jaas.config");
    }

    @Test
    void shouldPointAtTheTruststoreWhenTheTlsHandshakeFails() {
        assertThat(OutputTopics.refusal(new SslAuthenticationException("PKIX path building failed"), SCRAM))
                .contains("TLS handshake").contains("PKIX").contains("ssl.truststore");
    }

    @Test
    void shouldPointAtTheAclsWhenTheBrokerDeniesTheTopics() {
        assertThat(OutputTopics.refusal(new TopicAuthorizationException("denied"), SCRAM)).contains("ACLs");
    }

    @Test
    void shouldLeaveOtherFailuresAlone() {
        assertThat(OutputTopics.refusal(new IllegalStateException(new TimeoutException("no answer")), SCRAM)).isNull();
    }

    @Test
    void shouldNameKafkasDefaultMechanismOnASaslProtocolWithoutOne() {
        assertThat(OutputTopics.mechanism(settings(Map.of("security.protocol", "SASL_PLAINTEXT")))).isEqualTo("GSSAPI");
        assertThat(OutputTopics.mechanism(settings(Map.of()))).contains("PLAINTEXT");
    }

    private static KafkaSettings settings(Map<String, String> clientProperties) {
        KafkaSettings defaults = KafkaSettings.defaults("broker:9094");
        return new KafkaSettings(defaults.bootstrapServers(), defaults.groupId(), defaults.pollTimeout(),
                defaults.commitInterval(), defaults.maxBufferedPerPartition(), defaults.metadataMaxAge(),
                defaults.shutdownTimeout(), clientProperties);
    }
}
