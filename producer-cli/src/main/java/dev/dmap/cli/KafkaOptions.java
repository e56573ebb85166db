package dev.dmap.cli;

import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import picocli.CommandLine.Option;

/** Where Kafka is, shared by every command that talks to it. */
public class KafkaOptions {
    /** How long a command waits for Kafka to answer before it says it cannot reach it. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

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

    public KafkaOptions() {
    }

    /** For callers that are not picocli (dmap run). */
    public static KafkaOptions of(String bootstrapServers, String topicPrefix) {
        return of(bootstrapServers, topicPrefix, null);
    }

    /** For callers that are not picocli (the gateway); {@code commandConfig} may be null. */
    public static KafkaOptions of(String bootstrapServers, String topicPrefix, Path commandConfig) {
        KafkaOptions options = new KafkaOptions();
        options.bootstrapServers = bootstrapServers;
        options.topicPrefix = topicPrefix;
        options.commandConfig = commandConfig;
        return options;
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

    /** Client properties: bootstrap servers plus the command config file. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        if (commandConfig != null) {
            Properties file = new Properties();
            try (InputStream in = Files.newInputStream(commandConfig)) {
                file.load(in);
            } catch (IOException e) {
                throw new CliException(ExitCodes.INVALID_INPUT, "cannot read " + commandConfig + ": " + e.getMessage());
            }
            file.forEach((key, value) -> props.put(key.toString(), value));
        }
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** Admin client properties: calls without their own timeout give up after {@link #kafkaTimeout()}. */
    Map<String, Object> adminProperties() {
        Map<String, Object> props = clientProperties();
        int millis = (int) Math.min(Integer.MAX_VALUE, kafkaTimeout.toMillis());
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        return props;
    }

    /**
     * Fails with one clear line (exit 3) when Kafka does not answer within {@link #kafkaTimeout()}
     * or refuses the credentials. Every command calls it before its first real Kafka call, so that
     * a missing broker is reported the same way, and in bounded time, by all of them.
     */
    public void requireReachable() {
        try (Admin admin = Admin.create(adminProperties())) {
            requireReachable(admin);
        }
    }

    /** {@link #requireReachable()} with the caller's admin client. */
    public void requireReachable(Admin admin) {
        long millis = kafkaTimeout.toMillis();
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, millis)))
                    .nodes().get(millis + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException ? KafkaFailures.unreachable(this)
                    : KafkaFailures.explain(e.getCause(), this);
        } catch (java.util.concurrent.TimeoutException e) {
            throw KafkaFailures.unreachable(this);
        }
    }
}
