package dev.dmap.cli;

import dev.dmap.client.KafkaConnection;
import dev.dmap.schemas.TopicReplication;
import dev.dmap.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where Kafka is, shared by every command that talks to it: picocli's options, read into one {@link KafkaConnection}. */
public class KafkaOptions {
    /** How long a command waits for Kafka to answer before it says it cannot reach it. */
    public static final Duration DEFAULT_TIMEOUT = KafkaConnection.DEFAULT_TIMEOUT;

    @Option(names = {"-b", "--bootstrap-servers"}, defaultValue = "${env:DMAP_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: $DMAP_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--topic-prefix", defaultValue = "${env:DMAP_TOPIC_PREFIX:-dmap}",
            description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--command-config", description = "Kafka client properties file (security settings and the like).")
    Path commandConfig;

    @Option(names = "--kafka-timeout", defaultValue = "${env:DMAP_KAFKA_TIMEOUT:-15s}", converter = DurationConverter.class,
            description = "How long to wait for Kafka to answer before exiting 3, e.g. 5s (default: $DMAP_KAFKA_TIMEOUT or ${DEFAULT-VALUE}).")
    Duration kafkaTimeout = DEFAULT_TIMEOUT;

    @Option(names = "--replication-factor", defaultValue = "${env:DMAP_REPLICATION_FACTOR:-0}",
            description = "Replicas of the topics this command creates; 0 for the cluster's default.replication.factor"
                    + " (default: $DMAP_REPLICATION_FACTOR or the cluster's).")
    int replicationFactor;

    @Option(names = "--min-insync-replicas", defaultValue = "${env:DMAP_MIN_INSYNC_REPLICAS:-0}",
            description = "min.insync.replicas of the topics this command creates; 0 for the cluster's"
                    + " (default: $DMAP_MIN_INSYNC_REPLICAS or the cluster's).")
    int minInsyncReplicas;

    private KafkaConnection connection;

    /** The connection these options name; {@code --command-config} is read the first time only. */
    public synchronized KafkaConnection connection() {
        if (connection == null) {
            connection = KafkaConnection.load(bootstrapServers, topicPrefix, commandConfig, kafkaTimeout)
                    .withReplication(replication());
        }
        return connection;
    }

    /** @throws CliException when the two settings contradict each other */
    private TopicReplication replication() {
        try {
            return TopicReplication.of(replicationFactor, minInsyncReplicas);
        } catch (IllegalArgumentException e) {
            throw new CliException(dev.dmap.schemas.ExitCodes.INVALID_INPUT, "--replication-factor, --min-insync-replicas: " + e.getMessage());
        }
    }

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Duration kafkaTimeout() {
        return kafkaTimeout;
    }

    /** Fails with one clear line (exit 3) when Kafka does not answer in time or refuses the credentials. */
    public void requireReachable() {
        connection().requireReachable();
    }
}
