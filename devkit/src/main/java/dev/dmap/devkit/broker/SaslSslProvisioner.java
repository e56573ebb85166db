package dev.dmap.devkit.broker;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;

/**
 * What a {@link SaslSslListener} adds to a {@link LocalBroker}: its server properties, and its
 * SCRAM users, created over the PLAINTEXT listener once the broker runs. Users are upserted on
 * every start, so a data folder formatted before a user was added still gets them.
 */
final class SaslSslProvisioner {
    /** SCRAM's iteration count: Kafka's minimum for SHA-512 is 4096; 8192 is what its docs use. */
    private static final int ITERATIONS = 8192;
    private static final String PREFIX = "listener.name." + SaslSslListener.NAME.toLowerCase(java.util.Locale.ROOT) + ".";

    private SaslSslProvisioner() {
    }

    /** The listener's entries for {@code listeners}, {@code advertised.listeners} and the protocol map. */
    static String listener(String host, int port) {
        return SaslSslListener.NAME + "://" + host + ":" + port;
    }

    static String protocolMapping() {
        return SaslSslListener.NAME + ":SASL_SSL";
    }

    /** TLS and SASL settings of the listener only ({@code listener.name.sasl_ssl.*}); other listeners are untouched. */
    static void addServerProperties(Properties props, SaslSslListener listener) {
        props.put(PREFIX + "sasl.enabled.mechanisms", SaslSslListener.MECHANISM);
        props.put(PREFIX + SaslSslListener.MECHANISM.toLowerCase(java.util.Locale.ROOT) + "." + SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        props.put(PREFIX + SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        props.put(PREFIX + SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, listener.keystore().toString());
        props.put(PREFIX + SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, listener.keystorePassword());
        props.put(PREFIX + SslConfigs.SSL_KEY_PASSWORD_CONFIG, listener.keystorePassword());
        if (listener.truststore() != null) {
            props.put(PREFIX + SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
            props.put(PREFIX + SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, listener.truststore().toString());
            props.put(PREFIX + SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, listener.truststorePassword());
        }
    }

    /**
     * Creates or updates every user, then waits until each one can log in on the listener: the
     * credential reaches the broker's authenticator through the metadata log, a moment after the
     * controller accepted it, and a client that tried in that moment would be refused for good.
     */
    static void provisionUsers(String plaintextBootstrap, String securedBootstrap, SaslSslListener listener, Duration timeout) {
        List<UserScramCredentialAlteration> upserts = listener.users().entrySet().stream()
                .map(user -> (UserScramCredentialAlteration) new UserScramCredentialUpsertion(user.getKey(),
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS), user.getValue()))
                .toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, plaintextBootstrap))) {
            admin.alterUserScramCredentials(upserts).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create the SCRAM users " + listener.users().keySet(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating SCRAM users", e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        listener.users().forEach((user, password) -> awaitLogin(securedBootstrap, listener, user, password, deadline));
    }

    private static void awaitLogin(String securedBootstrap, SaslSslListener listener, String user, String password,
            long deadline) {
        try (Admin admin = Admin.create(selfCheckClient(securedBootstrap, listener, user, password))) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof SaslAuthenticationException) || System.nanoTime() > deadline) {
                        throw new IllegalStateException("SCRAM user " + user + " cannot log in on " + securedBootstrap, e);
                    }
                    Thread.sleep(100); // the credential is on its way through the metadata log
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("the SASL_SSL listener at " + securedBootstrap + " did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the SASL_SSL listener", e);
        }
    }

    /**
     * The broker checks its own listener: it trusts its own certificate (a keystore's key entry is a
     * trust anchor for the JDK) and does not verify the host name, which is the clients' business.
     */
    private static Map<String, Object> selfCheckClient(String bootstrap, SaslSslListener listener, String user,
            String password) {
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        props.put(SaslConfigs.SASL_MECHANISM, SaslSslListener.MECHANISM);
        props.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(user, password));
        props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, listener.keystore().toString());
        props.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, listener.keystorePassword());
        props.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
        return props;
    }

    /** A client's {@code sasl.jaas.config} for a SCRAM user (quotes and backslashes escaped). */
    static String jaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + escape(user)
                + "\" password=\"" + escape(password) + "\";";
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
