package dev.dmap.cli;

import dev.dmap.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import picocli.CommandLine.Option;

/** Where Kafka is, shared by every command that talks to it. */
public class KafkaOptions {
    @Option(names = {"-b", "--bootstrap-servers"}, defaultValue = "${env:DMAP_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: $DMAP_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--topic-prefix", defaultValue = "${env:DMAP_TOPIC_PREFIX:-dmap}",
            description = "Topic name prefix (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--command-config", description = "Kafka client properties file (security settings and the like).")
    Path commandConfig;

    public KafkaOptions() {
    }

    /** For callers that are not picocli (dmap run). */
    public static KafkaOptions of(String bootstrapServers, String topicPrefix) {
        KafkaOptions options = new KafkaOptions();
        options.bootstrapServers = bootstrapServers;
        options.topicPrefix = topicPrefix;
        return options;
    }

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    public String bootstrapServers() {
        return bootstrapServers;
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

    /** Fails with a clear message when Kafka does not answer within 15 s. */
    public void requireReachable(Admin admin) {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(15_000)).nodes().get(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted");
        } catch (Exception e) {
            throw new CliException(ExitCodes.UNREACHABLE, "cannot reach Kafka at " + bootstrapServers
                    + ". Start a local broker with `./dmap broker`, or pass --bootstrap-servers.");
        }
    }
}
