package dev.dmap.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.devkit.broker.BrokerSettings;
import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.broker.LocalCertificates;
import dev.dmap.devkit.broker.SaslSslListener;
import dev.dmap.devkit.net.FreePorts;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.testing.ChatLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The gateway against a secured Kafka listener (SASL/SCRAM-SHA-512 over TLS) with {@code --command-config},
 * the CLI's client properties file: a batch runs end to end; a wrong password or a Kafka that does not
 * answer stops the gateway at start with exit 3 and one description naming the cause, no stack trace
 * and no password.
 */
class GatewaySecuredKafkaIT {
    private static final String USER = "dmap-gateway";
    private static final String PASSWORD = secret("right");
    private static final String WRONG_PASSWORD = secret("wrong");
    private static final String KEY = "sk-secured-1";
    @TempDir
    static Path dir;
    private static LocalCertificates tls;
    private static ServingFleet fleet;

    @BeforeAll
    static void start() throws IOException {
        tls = LocalCertificates.create(dir.resolve("tls"));
        fleet = ServingFleet.start(LocalBroker.start(BrokerSettings.temporary().withSaslSsl(new SaslSslListener(0, tls.keystore(),
                tls.keystorePassword(), null, null, Map.of(USER, PASSWORD)))), dir, 0.02);
        Files.writeString(dir.resolve("keys.txt"), KEY + " secured\n");
    }

    @AfterAll
    static void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void shouldRunABatchOverSaslSslWithTheCommandConfig() throws Exception {
        Path input = Files.write(dir.resolve("secured.jsonl"), IntStream.range(0, 4)
                .mapToObj(i -> ChatLine.of("secured-" + i, "qwen2.5-7b-instruct").maxTokens(8).json()).toList());
        try (GatewayProcess gateway = gateway("ok", PASSWORD, fleet.broker.saslSslBootstrapServers()).awaitUp()) {
            GatewayClient client = new GatewayClient(gateway.baseUrl(), KEY);

            String id = client.createBatch(client.upload(input).path("id").asString()).path("id").asString();
            JsonNode done = client.awaitBatch(id, batch -> "completed".equals(batch.path("status").asString()));

            assertThat(done.at("/request_counts/completed").asLong()).isEqualTo(4);
            Path output = client.download(done.path("output_file_id"), dir.resolve("secured.output.jsonl"));
            assertThat(Files.readAllLines(output)).hasSize(4).allSatisfy(line ->
                    assertThat(MessageCodec.mapper().readTree(line).at("/response/status_code").asInt()).isEqualTo(200));
            assertThat(Files.readString(gateway.log())).doesNotContain(PASSWORD);
        }
    }

    @Test
    void shouldExitThreeNamingTheMechanismWhenThePasswordIsWrong() throws Exception {
        GatewayProcess gateway = gateway("wrong", WRONG_PASSWORD, fleet.broker.saslSslBootstrapServers());

        assertThat(gateway.awaitExit()).isEqualTo(ExitCodes.UNREACHABLE);
        String log = Files.readString(gateway.log());
        assertThat(log).contains("APPLICATION FAILED TO START", "refused authentication with SASL mechanism SCRAM-SHA-512",
                fleet.broker.saslSslBootstrapServers(), "--command-config").doesNotContain(WRONG_PASSWORD).doesNotContain("\tat ");
    }

    @Test
    void shouldExitThreeWhenKafkaDoesNotAnswer() throws Exception {
        int closed = FreePorts.next();
        GatewayProcess gateway = gateway("unreachable", PASSWORD, "127.0.0.1:" + closed);

        assertThat(gateway.awaitExit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(Files.readString(gateway.log())).contains("cannot reach Kafka at 127.0.0.1:" + closed).doesNotContain("\tat ");
    }

    private static GatewayProcess gateway(String name, String password, String bootstrapServers) throws IOException {
        Path config = Files.writeString(dir.resolve(name + ".properties"), String.join("\n",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=" + SaslSslListener.MECHANISM,
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER
                        + "\" password=\"" + password + "\";",
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.location=" + tls.truststore(),
                "ssl.truststore.password=" + tls.truststorePassword(), ""));
        return GatewayProcess.start(dir.resolve("gateway-" + name + ".log"), "--bootstrap-servers", bootstrapServers,
                "--command-config", config.toString(), "--api-keys-file", dir.resolve("keys.txt").toString(),
                "--dir", dir.resolve("gateway-" + name).toString());
    }

    private static String secret(String role) {
        byte[] bytes = new byte[9];
        ThreadLocalRandom.current().nextBytes(bytes);
        return role + "-" + HexFormat.of().formatHex(bytes);
    }
}
