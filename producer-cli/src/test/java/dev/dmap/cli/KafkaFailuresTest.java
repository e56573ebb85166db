package dev.dmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KafkaFailuresTest {
    @TempDir
    Path dir;

    @Test
    void shouldExplainAWrongPasswordAsExit3NamingTheMechanism() throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), """
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                """);
        KafkaOptions kafka = parse("--bootstrap-servers=broker-1:9093", "--command-config=" + config);

        CliException explained = KafkaFailures.explain(new KafkaException("wrapped",
                new SaslAuthenticationException("Authentication failed during authentication due to invalid credentials")), kafka);

        assertThat(explained.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(explained.getMessage()).contains("broker-1:9093").contains("SASL mechanism SCRAM-SHA-512")
                .contains("invalid credentials").doesNotContain("\n");
    }

    @Test
    void shouldNameGssapiWhenSaslIsOnWithoutAMechanism() throws Exception {
        Path config = Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_PLAINTEXT\n");

        assertThat(KafkaFailures.mechanism(parse("--command-config=" + config))).isEqualTo("GSSAPI");
    }

    @Test
    void shouldExplainAFailedTlsHandshakeAsExit3() {
        CliException explained = KafkaFailures.explain(new SslAuthenticationException("PKIX path building failed"),
                parse("--bootstrap-servers=broker-1:9093"));

        assertThat(explained.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(explained.getMessage()).startsWith("the TLS handshake with Kafka at broker-1:9093 failed");
    }

    @Test
    void shouldExplainAClientTimeoutAsExit3NamingTheServers() {
        CliException explained = KafkaFailures.explain(new TimeoutException("Timed out waiting for a node assignment"),
                parse("--bootstrap-servers=a:9092,b:9092"));

        assertThat(explained.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(explained.getMessage()).contains("a:9092,b:9092");
    }

    @Test
    void shouldNameTheServersAndTheWaitWhenKafkaIsUnreachable() {
        CliException unreachable = KafkaFailures.unreachable(parse("--bootstrap-servers=a:9092", "--kafka-timeout=5s"));

        assertThat(unreachable.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(unreachable.getMessage()).startsWith("cannot reach Kafka at a:9092 (no answer within 5s)");
    }

    @Test
    void shouldLeaveOtherErrorsUnexplained() {
        assertThat(KafkaFailures.explainIfKafka(new IllegalStateException("a bug"), parse())).isNull();
    }

    @Test
    void shouldWaitFifteenSecondsForKafkaByDefault() {
        assertThat(parse().kafkaTimeout()).isEqualTo(Duration.ofSeconds(15));
    }

    private static KafkaOptions parse(String... args) {
        Holder holder = new Holder();
        new CommandLine(holder).parseArgs(args);
        return holder.kafka;
    }

    @CommandLine.Command
    static final class Holder {
        @CommandLine.Mixin
        KafkaOptions kafka;
    }
}
