package dev.dmap.worker.fleet;

import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.config.SchedulingSettings;
import dev.dmap.worker.delivery.Assignment;
import dev.dmap.worker.scheduling.FleetPlanner;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * dmap's partition assignor (classic group protocol, cooperative): every member sends the
 * models its backend holds in its subscription user data; the group leader reads each
 * partition's lag from the brokers and lets {@link FleetPlanner} decide. A partition that moves
 * is first revoked from its owner and assigned in the follow-up rebalance, as the cooperative
 * protocol requires, so the owner can finish what it has in flight.
 */
public final class ModelAffinityAssignor implements ConsumerPartitionAssignor, Configurable {
    public static final String NAME = "dmap-affinity";
    /** Consumer config entry holding a {@code Supplier<Set<String>>} of the models this worker's backend holds. */
    public static final String LOADED_MODELS_CONFIG = "dmap.assignor.loaded-models";
    /** Consumer config entry: the smallest backlog worth splitting a model over an idle worker. */
    public static final String LOAD_COST_CONFIG = "dmap.assignor.load-cost";
    private static final Logger log = LoggerFactory.getLogger(ModelAffinityAssignor.class);

    private FleetPlanner planner = new FleetPlanner(Topics::modelKey, SchedulingSettings.DEFAULT_LOAD_COST);
    private Supplier<Set<String>> loadedModels = Set::of;
    private Map<String, Object> adminConfig = Map.of();
    private String groupId;
    private java.util.function.Function<List<TopicPartition>, Map<TopicPartition, Long>> lagSource = this::readLag;

    public ModelAffinityAssignor() {
    }

    /** For tests: lag from a function instead of the brokers. */
    public ModelAffinityAssignor(java.util.function.Function<List<TopicPartition>, Map<TopicPartition, Long>> lagSource) {
        this.lagSource = lagSource;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs) {
        Object supplier = configs.get(LOADED_MODELS_CONFIG);
        if (supplier instanceof Supplier<?> s) {
            loadedModels = (Supplier<Set<String>>) s;
        }
        groupId = String.valueOf(configs.get(ConsumerConfig.GROUP_ID_CONFIG));
        Object spread = configs.get(LOAD_COST_CONFIG);
        if (spread != null) {
            planner = new FleetPlanner(Topics::modelKey, Long.parseLong(spread.toString()));
        }
        Map<String, Object> admin = new HashMap<>();
        configs.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                admin.put(key, value);
            }
        });
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "dmap-assignor");
        adminConfig = admin;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<RebalanceProtocol> supportedProtocols() {
        return List.of(RebalanceProtocol.COOPERATIVE, RebalanceProtocol.EAGER);
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        var hints = MessageCodec.mapper().createObjectNode();
        var models = hints.putArray("loaded_models");
        loadedModels.get().stream().sorted().forEach(models::add);
        return ByteBuffer.wrap(hints.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> subscriptions = groupSubscription.groupSubscription();
        List<FleetPlanner.Member> members = new ArrayList<>();
        Set<String> topics = new HashSet<>();
        Map<TopicPartition, String> owners = new HashMap<>();
        subscriptions.forEach((memberId, subscription) -> {
            topics.addAll(subscription.topics());
            subscription.ownedPartitions().forEach(partition -> owners.put(partition, memberId));
            members.add(new FleetPlanner.Member(memberId, loadedModels(subscription),
                    new HashSet<>(subscription.ownedPartitions().stream().map(ModelAffinityAssignor::ref).toList())));
        });
        List<TopicPartition> partitions = new ArrayList<>();
        topics.forEach(topic -> metadata.partitionsForTopic(topic).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).forEach(partitions::add));
        Map<TopicPartition, Long> lag = lagSource.apply(partitions);
        Map<String, List<FleetPlanner.PartitionRef>> plan = planner.plan(members, modelTopics(metadata, topics, lag));
        return new GroupAssignment(toAssignments(plan, owners));
    }

    /** Applies the plan, holding back partitions that move: their owner must give them up first. */
    private static Map<String, Assignment> toAssignments(Map<String, List<FleetPlanner.PartitionRef>> plan,
            Map<TopicPartition, String> owners) {
        Map<String, Assignment> assignments = new HashMap<>();
        int held = 0;
        for (var entry : plan.entrySet()) {
            List<TopicPartition> mine = new ArrayList<>();
            for (FleetPlanner.PartitionRef ref : entry.getValue()) {
                TopicPartition partition = new TopicPartition(ref.topic(), ref.partition());
                String owner = owners.get(partition);
                if (owner == null || owner.equals(entry.getKey()) || !plan.containsKey(owner)) {
                    mine.add(partition);
                } else {
                    held++;
                }
            }
            assignments.put(entry.getKey(), new Assignment(mine));
        }
        if (held > 0) {
            log.info("Moving {} partitions: revoked now, assigned in the next rebalance", held);
        }
        return assignments;
    }

    private List<FleetPlanner.ModelTopic> modelTopics(Cluster metadata, Set<String> topics, Map<TopicPartition, Long> lag) {
        List<FleetPlanner.ModelTopic> modelTopics = new ArrayList<>();
        for (String topic : topics) {
            Map<Integer, Long> lagByPartition = new HashMap<>();
            for (PartitionInfo info : metadata.partitionsForTopic(topic)) {
                lagByPartition.put(info.partition(), lag.getOrDefault(new TopicPartition(topic, info.partition()), 0L));
            }
            String key = Topics.servedModelKey(topic);
            modelTopics.add(new FleetPlanner.ModelTopic(topic, key, lagByPartition));
        }
        return modelTopics;
    }

    private Map<TopicPartition, Long> readLag(List<TopicPartition> partitions) {
        try (Admin admin = Admin.create(adminConfig)) {
            return LagReader.read(admin, groupId, partitions);
        } catch (Exception e) {
            log.warn("Could not read the group's lag ({}); assigning without it", e.toString());
            return Map.of();
        }
    }

    private static Set<String> loadedModels(Subscription subscription) {
        ByteBuffer data = subscription.userData();
        if (data == null || !data.hasRemaining()) {
            return Set.of();
        }
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        try {
            JsonNode models = MessageCodec.mapper().readTree(bytes).path("loaded_models");
            Set<String> loaded = new HashSet<>();
            models.forEach(model -> loaded.add(model.asString()));
            return loaded;
        } catch (RuntimeException e) {
            return Set.of();
        }
    }

    private static FleetPlanner.PartitionRef ref(TopicPartition partition) {
        return new FleetPlanner.PartitionRef(partition.topic(), partition.partition());
    }
}
