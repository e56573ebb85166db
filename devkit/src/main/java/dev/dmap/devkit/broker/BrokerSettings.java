package dev.dmap.devkit.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a {@link LocalBroker}.
 *
 * @param host           loopback host the listeners bind to and advertise
 * @param port           client port (PLAINTEXT); 0 picks a free one
 * @param controllerPort KRaft controller port; 0 picks a free one
 * @param dataDir        where the log lives and stays across restarts; null = a temporary folder
 * @param overrides      extra broker properties, applied last
 * @param saslSsl        an extra SASL_SSL listener with SCRAM-SHA-512 users, or null for none
 * @param clusterId      the id storage is formatted with (every node of a cluster shares it), or null for a new one
 */
public record BrokerSettings(String host, int port, int controllerPort, Path dataDir, Map<String, String> overrides,
        SaslSslListener saslSsl, String clusterId) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 9092;
    public static final int DEFAULT_CONTROLLER_PORT = 9093;

    public BrokerSettings {
        Objects.requireNonNull(host, "host");
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
        if (port < 0 || controllerPort < 0) {
            throw new IllegalArgumentException("ports cannot be negative");
        }
        if (port != 0 && port == controllerPort) {
            throw new IllegalArgumentException("the client and controller ports must differ: " + port);
        }
        if (saslSsl != null && saslSsl.port() != 0 && (saslSsl.port() == port || saslSsl.port() == controllerPort)) {
            throw new IllegalArgumentException("the SASL_SSL port must differ from the others: " + saslSsl.port());
        }
    }

    /** PLAINTEXT only, as before the SASL_SSL listener existed. */
    public BrokerSettings(String host, int port, int controllerPort, Path dataDir, Map<String, String> overrides) {
        this(host, port, controllerPort, dataDir, overrides, null, null);
    }

    /** Free ports, temporary storage. */
    public static BrokerSettings temporary() {
        return new BrokerSettings(DEFAULT_HOST, 0, 0, null, Map.of());
    }

    /** These settings plus a SASL_SSL listener. */
    public BrokerSettings withSaslSsl(SaslSslListener listener) {
        return new BrokerSettings(host, port, controllerPort, dataDir, overrides, listener, clusterId);
    }
}
