package dev.dmap.devkit.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How to start a {@link LocalBroker}.
 *
 * @param host           loopback host the listeners bind to and advertise
 * @param port           client port; 0 picks a free one
 * @param controllerPort KRaft controller port; 0 picks a free one
 * @param dataDir        where the log lives and stays across restarts; null = a temporary folder
 * @param overrides      extra broker properties, applied last
 */
public record BrokerSettings(String host, int port, int controllerPort, Path dataDir, Map<String, String> overrides) {
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
    }

    /** Free ports, temporary storage. */
    public static BrokerSettings temporary() {
        return new BrokerSettings(DEFAULT_HOST, 0, 0, null, Map.of());
    }
}
