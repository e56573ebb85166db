package dev.dmap.worker.scheduling;

import dev.dmap.worker.scheduling.FleetPlanner.ModelTopic;
import dev.dmap.worker.scheduling.FleetPlanner.PartitionRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Moving a model's lagging partitions between workers in a plan, and the lag they carry. */
final class PartitionMoves {
    private PartitionMoves() {
    }

    /** The idle worker takes the model's partitions, largest lag first, until it has about half its backlog. */
    static void split(ModelTopic topic, String from, String to, Map<String, List<PartitionRef>> plan,
            Map<String, Long> load) {
        move(topic, from, to, ownedLag(topic, plan.get(from)) / 2, true, plan, load);
    }

    /**
     * Moves the model's lagging partitions from one worker to another, largest lag first, about
     * {@code target} requests of them (a partition that would overshoot by more than a quarter is
     * skipped, the first one too unless {@code firstAnyway}), always leaving the first worker one;
     * returns the requests moved.
     */
    static long move(ModelTopic topic, String from, String to, long target, boolean firstAnyway,
            Map<String, List<PartitionRef>> plan, Map<String, Long> load) {
        List<PartitionRef> lagging = new ArrayList<>(plan.get(from).stream()
                .filter(p -> p.topic().equals(topic.topic()) && lagOf(topic, p) > 0).toList());
        lagging.sort(Comparator.comparingLong((PartitionRef p) -> lagOf(topic, p)).reversed()
                .thenComparing(Comparator.naturalOrder()));
        long moved = 0;
        for (int i = 0; i < lagging.size() && lagging.size() - i > 1 && moved < target; i++) {
            PartitionRef partition = lagging.get(i);
            if ((moved > 0 || !firstAnyway) && moved + lagOf(topic, partition) > target + target / 4) {
                continue;
            }
            plan.get(from).remove(partition);
            plan.get(to).add(partition);
            moved += lagOf(topic, partition);
        }
        load.merge(from, -moved, Long::sum);
        load.merge(to, moved, Long::sum);
        return moved;
    }

    static long lagOf(ModelTopic topic, PartitionRef partition) {
        return topic.lagByPartition().getOrDefault(partition.partition(), 0L);
    }

    static long ownedLag(ModelTopic topic, List<PartitionRef> owned) {
        return owned.stream().filter(p -> p.topic().equals(topic.topic()))
                .mapToLong(p -> topic.lagByPartition().getOrDefault(p.partition(), 0L)).sum();
    }
}
