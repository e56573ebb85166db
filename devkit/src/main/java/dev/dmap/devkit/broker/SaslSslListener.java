package dev.dmap.devkit.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * An extra client listener of a {@link LocalBroker} that wants TLS and a SCRAM-SHA-512 login
 * ({@code SASL_SSL}), as a secured production cluster does. The PLAINTEXT listener stays (the
 * broker's own bootstrap and inter-broker traffic use it, and an admin can create users over it);
 * the KRaft controller listener stays PLAINTEXT.
 *
 * @param port               the listener's port; 0 picks a free one
 * @param keystore           PKCS12 keystore with the broker's private key and certificate (its
 *                           certificate must name the broker's host for clients that verify it)
 * @param keystorePassword   the keystore's password, which is also its key's (keytool's PKCS12 default)
 * @param truststore         PKCS12 truststore for client certificates, or null: clients prove who
 *                           they are with SCRAM, not with certificates
 * @param truststorePassword the truststore's password, or null without one
 * @param users              SCRAM-SHA-512 users and their passwords, created (or updated) on every start
 */
public record SaslSslListener(int port, Path keystore, String keystorePassword, Path truststore, String truststorePassword,
        Map<String, String> users) {
    /** The one SASL mechanism the listener enables. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    /** The listener's name in the broker's configuration ({@code listener.name.sasl_ssl.*}). */
    static final String NAME = "SASL_SSL";

    public SaslSslListener {
        if (port < 0) {
            throw new IllegalArgumentException("the SASL_SSL port cannot be negative: " + port);
        }
        Objects.requireNonNull(keystore, "keystore");
        Objects.requireNonNull(keystorePassword, "keystorePassword");
        if ((truststore == null) != (truststorePassword == null)) {
            throw new IllegalArgumentException("a truststore needs its password, and a password its truststore");
        }
        users = Map.copyOf(Objects.requireNonNull(users, "users"));
        if (users.isEmpty()) {
            throw new IllegalArgumentException("a SCRAM listener without users admits nobody");
        }
    }

    /** A listener on a free port with the broker keystore and one user. */
    public static SaslSslListener of(Path keystore, String keystorePassword, String user, String password) {
        return new SaslSslListener(0, keystore, keystorePassword, null, null, Map.of(user, password));
    }

    /** Passwords hidden: settings end up in log lines. */
    @Override
    public String toString() {
        return "SaslSslListener[port=" + port + ", keystore=" + keystore + ", truststore=" + truststore
                + ", users=" + users.keySet().stream().sorted().toList() + ", mechanism=" + MECHANISM + "]";
    }
}
