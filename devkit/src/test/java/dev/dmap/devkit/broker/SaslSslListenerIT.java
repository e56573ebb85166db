package dev.dmap.devkit.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's SASL_SSL listener: TLS with keytool-made certificates, SCRAM-SHA-512 logins, PLAINTEXT kept. */
class SaslSslListenerIT {
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-" + Long.toHexString(System.nanoTime());
    @TempDir
    static Path dir;
    private static LocalCertificates certificates;
    private static LocalBroker broker;

    @BeforeAll
    static void start() {
        certificates = LocalCertificates.create(dir.resolve("tls"));
        broker = LocalBroker.start(BrokerSettings.temporary().withSaslSsl(certificates.listener(USER, PASSWORD)));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void shouldServeAUserWithTheRightPasswordOverTlsWithHostNameVerification() throws Exception {
        try (Admin admin = Admin.create(client(PASSWORD, certificates.truststore(), certificates.truststorePassword()))) {
            admin.createTopics(List.of(new NewTopic("secured", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("secured");
        }
        assertThat(broker.saslSslBootstrapServers()).isNotEqualTo(broker.bootstrapServers());
    }

    @Test
    void shouldRefuseAWrongPasswordNamingTheMechanism() {
        try (Admin admin = Admin.create(client("not-" + PASSWORD, certificates.truststore(), certificates.truststorePassword()))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("SCRAM-SHA-512");
        }
    }

    @Test
    void shouldRefuseAClientThatDoesNotTrustTheBrokersCertificate() throws Exception {
        LocalCertificates stranger = LocalCertificates.create(dir.resolve("other-ca"));
        try (Admin admin = Admin.create(client(PASSWORD, stranger.truststore(), stranger.truststorePassword()))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SslAuthenticationException.class);
        }
    }

    @Test
    void shouldKeepPasswordsOutOfTheFilesItWritesAndOutOfItsSettingsText() throws Exception {
        String written;
        try (var files = Files.walk(broker.dataDir())) {
            written = String.join("\n", files.filter(p -> p.getFileName().toString().endsWith(".properties"))
                    .map(SaslSslListenerIT::read).toList());
        }
        assertThat(written).contains("listener.name.sasl_ssl.ssl.keystore.location")
                .doesNotContain(certificates.keystorePassword());
        assertThat(certificates.listener(USER, PASSWORD).toString()).contains(USER).doesNotContain(PASSWORD)
                .doesNotContain(certificates.keystorePassword());
        assertThat(certificates.toString()).doesNotContain(certificates.keystorePassword())
                .doesNotContain(certificates.truststorePassword());
    }

    private static Map<String, Object> client(String password, Path truststore, String truststorePassword) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.saslSslBootstrapServers());
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        props.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        props.put(SaslConfigs.SASL_JAAS_CONFIG, SaslSslProvisioner.jaasConfig(USER, password));
        props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.toString());
        props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, truststorePassword);
        return props;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
