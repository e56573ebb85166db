package dev.dmap.devkit.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dmap broker}: a single-node KRaft broker, or a cluster of several, in the foreground until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run a local Kafka broker (KRaft) in the foreground until Ctrl-C, or a cluster of several with --nodes.",
                "For development and demos; point workers and the CLI at it with --bootstrap-servers."})
public class BrokerCommand implements Callable<Integer> {
    /** Where the SCRAM user's password comes from: never a command-line argument, which `ps` shows. */
    static final String PASSWORD_VARIABLE = "DMAP_BROKER_SCRAM_PASSWORD";

    @Option(names = "--host", defaultValue = BrokerSettings.DEFAULT_HOST, description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--controller-port", defaultValue = "9093", description = "KRaft controller port (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--data-dir", defaultValue = ".dmap/kafka",
            description = "Folder for the log; reused across restarts (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--sasl-ssl-port", description = {"Also open a SASL_SSL listener (SCRAM-SHA-512 over TLS) on this port,"
            + " with certificates made for this run and one user whose password is $" + PASSWORD_VARIABLE + ".",
            "Writes the clients' settings to <data-dir>/tls/client.properties (for --command-config)."})
    Integer saslSslPort;

    @Option(names = "--nodes", defaultValue = "1", description = {"Run a cluster of this many nodes, each its own JVM"
            + " (replication 3, min.insync.replicas 2): client ports --port, --port+1, ..., controller ports after them,"
            + " data in <data-dir>/cluster (default: ${DEFAULT-VALUE})."})
    int nodes;

    @Option(names = "--scram-user", defaultValue = "dmap", description = "The SASL_SSL listener's user (default: ${DEFAULT-VALUE}).")
    String scramUser;

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (nodes > 1) {
            return runCluster();
        }
        BrokerSettings settings = new BrokerSettings(host, port, controllerPort, dataDir.toAbsolutePath(), Map.of());
        Path clientConfig = null;
        if (saslSslPort != null) {
            String password = System.getenv(PASSWORD_VARIABLE);
            if (password == null || password.isEmpty()) {
                System.err.println("dmap: --sasl-ssl-port needs the SCRAM user's password in $" + PASSWORD_VARIABLE);
                return 2;
            }
            Path tlsDir = settings.dataDir().resolve("tls");
            LocalCertificates tls = LocalCertificates.create(tlsDir);
            settings = settings.withSaslSsl(new SaslSslListener(saslSslPort, tls.keystore(), tls.keystorePassword(), null, null,
                    Map.of(scramUser, password)));
            clientConfig = writeClientConfig(tlsDir.resolve("client.properties"), tls, password);
        }
        LocalBroker broker = LocalBroker.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "dmap-broker-shutdown"));
        System.err.printf("Kafka broker ready at %s (data in %s). Ctrl-C stops it.%n",
                broker.bootstrapServers(), broker.dataDir());
        if (clientConfig != null) {
            System.err.printf("SASL_SSL listener (%s, user %s) at %s; client settings in %s%n", SaslSslListener.MECHANISM,
                    scramUser, broker.saslSslBootstrapServers(), clientConfig);
        }
        stopped.await();
        return 0;
    }

    private int runCluster() throws IOException, InterruptedException {
        if (saslSslPort != null) {
            System.err.println("dmap: --sasl-ssl-port is for a single node; a cluster listens PLAINTEXT on loopback");
            return 2;
        }
        BrokerCluster cluster = BrokerCluster.start(nodes, dataDir.toAbsolutePath().resolve("cluster"), port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                cluster.shutdown();
            } catch (InterruptedException e) {
                cluster.close();
            }
            stopped.countDown();
        }, "dmap-cluster-shutdown"));
        for (BrokerCluster.Node node : cluster.nodes()) {
            System.err.printf("node %d: port %d, controller %d, log %s%n", node.id(), node.port(), node.controllerPort(), node.log());
        }
        System.err.printf("Kafka cluster of %d nodes ready at %s. Ctrl-C stops it.%n", nodes, cluster.bootstrapServers());
        stopped.await();
        return 0;
    }

    /** The properties a client needs for the listener, readable by this user only (they hold passwords). */
    private Path writeClientConfig(Path file, LocalCertificates tls, String password) throws IOException {
        String text = String.join("\n",
                "# written by dmap broker for its SASL_SSL listener; the certificates are new on every start",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=" + SaslSslListener.MECHANISM,
                "sasl.jaas.config=" + SaslSslProvisioner.jaasConfig(scramUser, password).replace("\\", "\\\\"),
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.location=" + tls.truststore().toString().replace("\\", "\\\\"),
                "ssl.truststore.password=" + tls.truststorePassword(), "");
        Files.deleteIfExists(file);
        Files.createFile(file);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): the folder's own permissions apply
        }
        return Files.writeString(file, text);
    }
}
