package dev.dmap.schemas;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises existing request topics to what dmap needs of them: enough partitions to spread a model
 * over workers, and a {@code max.message.bytes} that carries a request of the size limit. Never
 * lowers either; safe to run from several workers at once (a raise another one made first is
 * not an error). Used through {@link TopicProvisioner#alignRequestTopics(Collection)}.
 */
public final class RequestTopicAligner {
    private static final Logger log = LoggerFactory.getLogger(RequestTopicAligner.class);

    /**
     * One change made to a topic.
     *
     * @param topic   the topic
     * @param setting {@code partitions} or {@code max.message.bytes}
     * @param from    the value before
     * @param to      the value after
     */
    public record Change(String topic, String setting, long from, long to) {
    }

    private final Admin admin;
    private final int partitions;
    private final int maxMessageBytes;

    RequestTopicAligner(Admin admin, int partitions, int maxMessageBytes) {
        this.admin = admin;
        this.partitions = partitions;
        this.maxMessageBytes = maxMessageBytes;
    }

    List<Change> align(Collection<String> names) throws TimeoutException, InterruptedException {
        if (names.isEmpty()) {
            return List.of();
        }
        try {
            Map<String, TopicDescription> existing = describe(names);
            List<Change> changes = new ArrayList<>(raisePartitions(existing));
            changes.addAll(raiseMaxMessageBytes(existing.keySet()));
            changes.forEach(change -> log.info("Raised {} of request topic {} from {} to {}", change.setting(),
                    change.topic(), change.from(), change.to()));
            return changes;
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not align the request topics " + names + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The topics that exist, by name. */
    private Map<String, TopicDescription> describe(Collection<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> existing = new HashMap<>();
        for (var entry : admin.describeTopics(names).topicNameValues().entrySet()) {
            try {
                existing.put(entry.getKey(), entry.getValue().get(TopicProvisioner.TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return existing;
    }

    private List<Change> raisePartitions(Map<String, TopicDescription> existing)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, NewPartitions> raises = new HashMap<>();
        List<Change> changes = new ArrayList<>();
        existing.forEach((name, description) -> {
            if (description.partitions().size() < partitions) {
                raises.put(name, NewPartitions.increaseTo(partitions));
                changes.add(new Change(name, "partitions", description.partitions().size(), partitions));
            }
        });
        if (raises.isEmpty()) {
            return changes;
        }
        List<Change> made = new ArrayList<>();
        for (var entry : admin.createPartitions(raises).values().entrySet()) {
            try {
                entry.getValue().get(TopicProvisioner.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                changes.stream().filter(change -> change.topic().equals(entry.getKey())).forEach(made::add);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof InvalidPartitionsException)) {
                    throw e; // InvalidPartitions: another worker raised it first
                }
            }
        }
        TopicProvisioner.awaitLeaders(admin, List.copyOf(raises.keySet()));
        return made;
    }

    private List<Change> raiseMaxMessageBytes(Collection<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<ConfigResource> resources = names.stream().map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                .get(TopicProvisioner.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<ConfigResource, Collection<AlterConfigOp>> raises = new HashMap<>();
        List<Change> changes = new ArrayList<>();
        configs.forEach((resource, config) -> {
            ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            long current = entry == null || entry.value() == null ? 0 : Long.parseLong(entry.value());
            if (current < maxMessageBytes) {
                raises.put(resource, List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxMessageBytes)),
                        AlterConfigOp.OpType.SET)));
                changes.add(new Change(resource.name(), TopicConfig.MAX_MESSAGE_BYTES_CONFIG, current, maxMessageBytes));
            }
        });
        if (!raises.isEmpty()) {
            admin.incrementalAlterConfigs(raises).all().get(TopicProvisioner.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        return changes;
    }
}
