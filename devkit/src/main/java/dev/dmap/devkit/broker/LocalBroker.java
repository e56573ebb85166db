package dev.dmap.devkit.broker;

import dev.dmap.devkit.net.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this
 * JVM, on loopback. It is Kafka's own server, started the way {@code kafka-server-start.sh}
 * starts it, so clients talk to it over real sockets. Used by {@code dmap run}, {@code dmap
 * broker} and benchmarks; never by production code.
 *
 * <p>Storage is formatted on first use and reused afterwards when a data folder is given;
 * without one, a temporary folder is used and deleted on {@link #close()}.
 */
public final class LocalBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final String saslSslBootstrapServers;
    private final Path dataDir;
    private final boolean deleteOnClose;

    private LocalBroker(KafkaRaftServer server, String bootstrapServers, String saslSslBootstrapServers, Path dataDir,
            boolean deleteOnClose) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.saslSslBootstrapServers = saslSslBootstrapServers;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
    }

    /** A broker on free ports over a temporary folder that is deleted on close. */
    public static LocalBroker startTemporary() {
        return start(BrokerSettings.temporary());
    }

    /**
     * Formats storage when needed, starts the server and returns once it answers clients: with a
     * SASL_SSL listener, once each of its SCRAM users can log in on it.
     */
    public static LocalBroker start(BrokerSettings settings) {
        try {
            boolean temporary = settings.dataDir() == null;
            Path dataDir = temporary ? Files.createTempDirectory("dmap-broker-") : settings.dataDir();
            Files.createDirectories(dataDir);
            int port = settings.port() == 0 ? FreePorts.next() : settings.port();
            int controllerPort = settings.controllerPort() == 0 ? FreePorts.next() : settings.controllerPort();
            SaslSslListener secured = settings.saslSsl();
            int securedPort = secured == null ? -1 : secured.port() == 0 ? FreePorts.next() : secured.port();
            Properties props = serverProperties(settings, dataDir, port, controllerPort, securedPort);
            formatIfNeeded(dataDir, props, settings.clusterId() == null ? Uuid.randomUuid().toString() : settings.clusterId());
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            String bootstrap = settings.host() + ":" + port;
            awaitReady(bootstrap);
            String securedBootstrap = secured == null ? null : settings.host() + ":" + securedPort;
            if (secured != null) {
                SaslSslProvisioner.provisionUsers(bootstrap, securedBootstrap, secured, READY_TIMEOUT);
                log.info("Kafka SASL_SSL listener ({}) ready at {} for users {}", SaslSslListener.MECHANISM,
                        securedBootstrap, secured.users().keySet().stream().sorted().toList());
            }
            log.info("Kafka broker ready at {} (data in {})", bootstrap, dataDir);
            return new LocalBroker(server, bootstrap, securedBootstrap, dataDir, temporary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * {@code host:port} of the SASL_SSL listener (clients set {@code security.protocol=SASL_SSL},
     * {@code sasl.mechanism=SCRAM-SHA-512}, a JAAS login and a truststore).
     *
     * @throws IllegalStateException when the broker was started without one
     */
    public String saslSslBootstrapServers() {
        if (saslSslBootstrapServers == null) {
            throw new IllegalStateException("this broker has no SASL_SSL listener (BrokerSettings.withSaslSsl)");
        }
        return saslSslBootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Blocks until the server stops (for a foreground {@code dmap broker}). */
    public void awaitShutdown() {
        server.awaitShutdown();
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            deleteRecursively(dataDir);
        }
    }

    /** @param securedPort the SASL_SSL listener's port; ignored without one in {@code settings} */
    static Properties serverProperties(BrokerSettings settings, Path dataDir, int port, int controllerPort, int securedPort) {
        String host = settings.host();
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        String clientListeners = "PLAINTEXT://" + host + ":" + port;
        String protocols = "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT";
        if (settings.saslSsl() != null) {
            clientListeners += "," + SaslSslProvisioner.listener(host, securedPort);
            protocols += "," + SaslSslProvisioner.protocolMapping();
            SaslSslProvisioner.addServerProperties(props, settings.saslSsl());
        }
        props.put("listeners", clientListeners + ",CONTROLLER://" + host + ":" + controllerPort);
        props.put("advertised.listeners", clientListeners);
        props.put("controller.listener.names", "CONTROLLER");
        // brokers and controller talk PLAINTEXT on loopback; only clients use the SASL_SSL listener
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", protocols);
        props.put("log.dirs", dataDir.resolve("kafka-logs").toString());
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "true");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        // Without these two, initTransactions() hangs on a single broker.
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        props.putAll(settings.overrides());
        return props;
    }

    private static void formatIfNeeded(Path dataDir, Properties props, String clusterId) throws IOException {
        Path logDir = Path.of(props.getProperty("log.dirs"));
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Path config = dataDir.resolve("server.properties");
        Properties withoutSecrets = new Properties();
        props.forEach((key, value) -> {
            if (!key.toString().endsWith(".password")) { // formatting needs no keystore, so no password lands on disk
                withoutSecrets.put(key, value);
            }
        });
        try (OutputStream out = Files.newOutputStream(config)) {
            withoutSecrets.store(out, "written by dmap's LocalBroker for StorageTool format");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c",
                config.toString(), "--ignore-formatted"}, new PrintStream(output, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException("formatting Kafka storage in " + logDir + " failed: "
                    + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static void awaitReady(String bootstrap) {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka broker at " + bootstrap + " did not become ready", e);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", root, e.toString());
        }
    }
}
