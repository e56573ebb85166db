package dev.dmap.client;

import dev.dmap.schemas.TopicReplication;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.kafka.ConsumerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Where Kafka is and how to talk to it, read once and never changed: the bootstrap servers, the
 * topics' prefix, the client properties of a secured cluster (from a properties file such as
 * Kafka's own {@code --command-config}), and how long to wait for an answer.
 *
 * @param bootstrapServers Kafka's bootstrap servers
 * @param topics           dmap's topic names (their prefix)
 * @param properties       further client properties (security and the like); may hold secrets, so
 *                         {@link #toString()} leaves them out
 * @param timeout          how long a call waits for Kafka before it says Kafka cannot be reached
 * @param replication      how the topics it creates are replicated (the cluster's defaults unless set)
 */
public record KafkaConnection(String bootstrapServers, Topics topics, Map<String, Object> properties, Duration timeout,
        TopicReplication replication) {
    /** How long a call waits for Kafka to answer by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    public KafkaConnection {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topics, "topics");
        properties = Map.copyOf(properties);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the Kafka timeout must be positive: " + timeout);
        }
        replication = replication == null ? TopicReplication.clusterDefaults() : replication;
    }

    /** With the cluster's replication defaults. */
    public KafkaConnection(String bootstrapServers, Topics topics, Map<String, Object> properties, Duration timeout) {
        this(bootstrapServers, topics, properties, timeout, null);
    }

    /** This connection creating its topics with {@code newReplication}. */
    public KafkaConnection withReplication(TopicReplication newReplication) {
        return new KafkaConnection(bootstrapServers, topics, properties, timeout, newReplication);
    }

    /** Plain Kafka with the default timeout. */
    public static KafkaConnection of(String bootstrapServers, String topicPrefix) {
        return new KafkaConnection(bootstrapServers, new Topics(topicPrefix), Map.of(), DEFAULT_TIMEOUT);
    }

    /**
     * A connection with the client properties of {@code commandConfig} (null for none), read now.
     *
     * @throws ClientException.InvalidInput when the file cannot be read
     */
    public static KafkaConnection load(String bootstrapServers, String topicPrefix, Path commandConfig, Duration timeout) {
        Map<String, Object> properties = new HashMap<>();
        if (commandConfig != null) {
            Properties file = new Properties();
            try (InputStream in = Files.newInputStream(commandConfig)) {
                file.load(in);
            } catch (IOException e) {
                throw new ClientException.InvalidInput("cannot read " + commandConfig + ": " + e.getMessage());
            }
            file.forEach((key, value) -> properties.put(key.toString(), value));
        }
        return new KafkaConnection(bootstrapServers, new Topics(topicPrefix), properties, timeout);
    }

    /** A fresh, mutable copy of the client properties with the bootstrap servers. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>(properties);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** Admin client properties: calls without their own timeout give up after {@link #timeout()}. */
    public Map<String, Object> adminProperties() {
        Map<String, Object> props = clientProperties();
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        return props;
    }

    /** A scan's consumer properties ({@link ConsumerSettings#scan}). */
    public Map<String, Object> scanProperties() {
        return ConsumerSettings.scan(clientProperties());
    }

    /**
     * Fails with {@link ClientException.KafkaUnavailable} when Kafka does not answer within
     * {@link #timeout()}, or {@link ClientException.KafkaRefused} when it refuses the credentials:
     * every operation calls it before its first real Kafka call, so that a missing broker is
     * reported the same way, and in bounded time, by all of them.
     */
    public void requireReachable() {
        try (Admin admin = Admin.create(adminProperties())) {
            requireReachable(admin);
        }
    }

    /** {@link #requireReachable()} with the caller's admin client. */
    public void requireReachable(Admin admin) {
        long millis = timeout.toMillis();
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, millis)))
                    .nodes().get(millis + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException.Interrupted();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException ? KafkaTrouble.unreachable(this, e.getCause())
                    : KafkaTrouble.explain(e.getCause(), this);
        } catch (java.util.concurrent.TimeoutException e) {
            throw KafkaTrouble.unreachable(this, e);
        }
    }

    /** The SASL mechanism this connection uses, as a person reads it ({@code SCRAM-SHA-512}, {@code GSSAPI}, or none). */
    public String saslMechanism() {
        return KafkaTrouble.mechanism(this);
    }

    /** Without the client properties: they may hold passwords. */
    @Override
    public String toString() {
        return "KafkaConnection[" + bootstrapServers + ", prefix " + topics.prefix() + ", timeout " + Durations.text(timeout) + "]";
    }
}
