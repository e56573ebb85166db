package dev.dmap.worker.config;

import dev.dmap.schemas.TopicReplication;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the worker talks to Kafka.
 *
 * @param bootstrapServers        {@code host:port[,host:port]}
 * @param groupId                 consumer group shared by every worker
 * @param pollTimeout             longest single poll; bounds how fast completions are acknowledged
 * @param commitInterval          how often completed offsets are committed
 * @param maxBufferedPerPartition fetched records held per partition before it is paused; with the
 *                                in-flight window, this bounds the worker's memory whatever the backlog
 * @param metadataMaxAge          how soon a new model topic is noticed by the pattern subscription
 * @param shutdownTimeout         how long a graceful stop waits for in-flight requests
 * @param clientProperties        extra Kafka client properties (security, tuning), applied last
 * @param replication             how the topics the worker creates are replicated (the cluster's defaults unless set)
 */
public record KafkaSettings(
        String bootstrapServers,
        String groupId,
        Duration pollTimeout,
        Duration commitInterval,
        int maxBufferedPerPartition,
        Duration metadataMaxAge,
        Duration shutdownTimeout,
        Map<String, String> clientProperties,
        TopicReplication replication) {

    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
    public static final String DEFAULT_GROUP_ID = "dmap-workers";
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(50);
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(500);
    public static final int DEFAULT_MAX_BUFFERED_PER_PARTITION = 200;
    public static final Duration DEFAULT_METADATA_MAX_AGE = Duration.ofSeconds(5);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    public KafkaSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(groupId, "groupId");
        Durations.requirePositive(pollTimeout, "pollTimeout");
        Durations.requirePositive(commitInterval, "commitInterval");
        Durations.requirePositive(metadataMaxAge, "metadataMaxAge");
        Durations.requireNonNegative(shutdownTimeout, "shutdownTimeout");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must not be blank");
        }
        if (maxBufferedPerPartition < 1) {
            throw new IllegalArgumentException("maxBufferedPerPartition must be at least 1");
        }
        clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
        replication = replication == null ? TopicReplication.clusterDefaults() : replication;
    }

    /** With the cluster's replication defaults. */
    public KafkaSettings(String bootstrapServers, String groupId, Duration pollTimeout, Duration commitInterval,
            int maxBufferedPerPartition, Duration metadataMaxAge, Duration shutdownTimeout, Map<String, String> clientProperties) {
        this(bootstrapServers, groupId, pollTimeout, commitInterval, maxBufferedPerPartition, metadataMaxAge, shutdownTimeout,
                clientProperties, null);
    }

    /** Settings from values that may be missing (null, as Spring binds an absent key): each missing value takes its default. */
    public static KafkaSettings of(String bootstrapServers, String groupId, Duration pollTimeout, Duration commitInterval,
            Integer maxBufferedPerPartition, Duration metadataMaxAge, Duration shutdownTimeout,
            Map<String, String> clientProperties) {
        return new KafkaSettings(or(bootstrapServers, DEFAULT_BOOTSTRAP_SERVERS), or(groupId, DEFAULT_GROUP_ID),
                or(pollTimeout, DEFAULT_POLL_TIMEOUT), or(commitInterval, DEFAULT_COMMIT_INTERVAL),
                or(maxBufferedPerPartition, DEFAULT_MAX_BUFFERED_PER_PARTITION), or(metadataMaxAge, DEFAULT_METADATA_MAX_AGE),
                or(shutdownTimeout, DEFAULT_SHUTDOWN_TIMEOUT), clientProperties, null);
    }

    public static KafkaSettings defaults(String bootstrapServers) {
        return of(bootstrapServers, null, null, null, null, null, null, null);
    }
    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }


    public KafkaSettings withGroupId(String newGroupId) {
        return new KafkaSettings(bootstrapServers, newGroupId, pollTimeout, commitInterval, maxBufferedPerPartition,
                metadataMaxAge, shutdownTimeout, clientProperties, replication);
    }

    public KafkaSettings withReplication(TopicReplication newReplication) {
        return new KafkaSettings(bootstrapServers, groupId, pollTimeout, commitInterval, maxBufferedPerPartition,
                metadataMaxAge, shutdownTimeout, clientProperties, newReplication);
    }

    public KafkaSettings withShutdownTimeout(Duration newShutdownTimeout) {
        return new KafkaSettings(bootstrapServers, groupId, pollTimeout, commitInterval, maxBufferedPerPartition,
                metadataMaxAge, newShutdownTimeout, clientProperties, replication);
    }

    /** Hides values of properties that look secret (sasl.jaas.config, *password*). */
    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", groupId=" + groupId
                + ", pollTimeout=" + pollTimeout + ", commitInterval=" + commitInterval
                + ", maxBufferedPerPartition=" + maxBufferedPerPartition + ", metadataMaxAge=" + metadataMaxAge
                + ", shutdownTimeout=" + shutdownTimeout + ", clientProperties=" + Secrets.redact(clientProperties)
                + ", replication=" + replication + "]";
    }
}
