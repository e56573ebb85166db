package dev.dmap.worker.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.Topics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The assignor's Kafka side, on constructed subscriptions: user data, the cooperative hand-over. */
class ModelAffinityAssignorTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final String A = TOPICS.requests("model-a");
    private static final String B = TOPICS.requests("model-b");
    private final Map<TopicPartition, Long> lag = new HashMap<>();
    private final ModelAffinityAssignor assignor = new ModelAffinityAssignor(partitions -> lag);

    @Test
    void shouldSendTheLoadedModelsInTheSubscription() {
        ModelAffinityAssignor worker = new ModelAffinityAssignor();
        worker.configure(Map.of("group.id", "g", "bootstrap.servers", "localhost:1",
                ModelAffinityAssignor.LOADED_MODELS_CONFIG, (Supplier<Set<String>>) () -> Set.of("model-b")));
        ByteBuffer data = worker.subscriptionUserData(Set.of(A, B));

        var assignment = assignor.assign(cluster(), group(Map.of(
                "w1", new Subscription(List.of(A, B), null, List.of()),
                "w2", new Subscription(List.of(A, B), data, List.of()))));

        assertThat(topics(assignment.groupAssignment().get("w2").partitions())).contains(B);
        assertThat(topics(assignment.groupAssignment().get("w1").partitions())).containsExactly(A);
    }

    @Test
    void shouldHoldBackAPartitionThatMovesUntilItsOwnerHasReleasedIt() {
        // w1 owns both models; w2 joins and holds model-b: b should move, but only after w1 lets go
        lag.put(new TopicPartition(A, 0), 50L);
        lag.put(new TopicPartition(B, 0), 50L);
        List<TopicPartition> ownedByW1 = List.of(new TopicPartition(A, 0), new TopicPartition(A, 1),
                new TopicPartition(B, 0), new TopicPartition(B, 1));

        var first = assignor.assign(cluster(), group(Map.of(
                "w1", new Subscription(List.of(A, B), null, ownedByW1),
                "w2", new Subscription(List.of(A, B), userData("model-b"), List.of()))));

        assertThat(topics(first.groupAssignment().get("w1").partitions())).containsExactly(A);
        assertThat(first.groupAssignment().get("w2").partitions()).as("not while w1 still owns them").isEmpty();

        var second = assignor.assign(cluster(), group(Map.of(
                "w1", new Subscription(List.of(A, B), null, List.of(new TopicPartition(A, 0), new TopicPartition(A, 1))),
                "w2", new Subscription(List.of(A, B), userData("model-b"), List.of()))));

        assertThat(topics(second.groupAssignment().get("w2").partitions())).containsExactly(B);
    }

    @Test
    void shouldGiveTheModelsOfAMemberThatLeftToTheOthers() {
        var assignment = assignor.assign(cluster(), group(Map.of(
                "w2", new Subscription(List.of(A, B), null, List.of(new TopicPartition(B, 0), new TopicPartition(B, 1))))));
        assertThat(assignment.groupAssignment().get("w2").partitions()).hasSize(4);
    }

    private static Cluster cluster() {
        Node node = new Node(1, "localhost", 9092);
        List<PartitionInfo> partitions = new ArrayList<>();
        for (String topic : List.of(A, B)) {
            for (int p = 0; p < 2; p++) {
                partitions.add(new PartitionInfo(topic, p, node, new Node[] {node}, new Node[] {node}));
            }
        }
        return new Cluster("c", List.of(node), partitions, Set.of(), Set.of());
    }

    private static GroupSubscription group(Map<String, Subscription> members) {
        return new GroupSubscription(new HashMap<>(members));
    }

    private static ByteBuffer userData(String... models) {
        ModelAffinityAssignor worker = new ModelAffinityAssignor();
        worker.configure(Map.of("group.id", "g", ModelAffinityAssignor.LOADED_MODELS_CONFIG,
                (Supplier<Set<String>>) () -> Set.of(models)));
        return worker.subscriptionUserData(Set.of());
    }

    private static Set<String> topics(List<TopicPartition> partitions) {
        return Set.copyOf(partitions.stream().map(TopicPartition::topic).toList());
    }
}
