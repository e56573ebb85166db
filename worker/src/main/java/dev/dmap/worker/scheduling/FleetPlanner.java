package dev.dmap.worker.scheduling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides which worker owns which request partitions: the model-aware half of scheduling that
 * spans the fleet. Pure: the Kafka assignor feeds it the members and the backlog and applies the
 * result. The rules, in order:
 * <ol>
 *   <li>All partitions of a model go to one worker, so each model is loaded in one place.</li>
 *   <li>Models with backlog are placed largest first (longest-processing-time first), each on the
 *       worker that would finish it first: its work so far plus the model's backlog, plus a load
 *       cost unless it already holds the model. Ties go to the less busy worker, then to the one
 *       that owned the model before.</li>
 *   <li>Models without backlog stay where they were (unless their owner already has another
 *       model and a worker would have none: a worker joining an idle fleet gets a share), or go
 *       where they are loaded, or to the worker with the fewest models.</li>
 *   <li>While a worker would sit idle and a model with backlog in two or more partitions (and at
 *       least twice {@code loadCost} requests) sits on a busy worker, that model is split: the
 *       idle worker takes its partitions, largest lag first, until it holds about half the
 *       model's backlog.</li>
 *   <li>While the busiest worker's work exceeds the least busy one's by more than twice
 *       {@code loadCost}, and its largest model has backlog in two or more of its partitions (and
 *       at least twice {@code loadCost} requests there), the
 *       least busy worker takes some of them, largest lag first, until both have about the same
 *       work (it pays one load for them): a hot model is served on several GPUs instead of holding
 *       one while the others finish early.</li>
 * </ol>
 */
public final class FleetPlanner {

    /**
     * A worker in the group.
     *
     * @param memberId     its group member id
     * @param loadedModels the exact model ids its backend holds
     * @param owned        the partitions it owns now
     */
    public record Member(String memberId, Set<String> loadedModels, Set<PartitionRef> owned) {
    }

    /**
     * A partition of a model's request topic.
     *
     * @param topic     the topic
     * @param partition the partition number
     */
    public record PartitionRef(String topic, int partition) implements Comparable<PartitionRef> {
        @Override
        public int compareTo(PartitionRef other) {
            int byTopic = topic.compareTo(other.topic);
            return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
        }
    }

    /**
     * One model's topic.
     *
     * @param topic      the topic
     * @param modelKey   the model key in its name, to match against loaded model ids
     * @param lagByPartition unfinished requests per partition
     */
    public record ModelTopic(String topic, String modelKey, Map<Integer, Long> lagByPartition) {
        long backlog() {
            return lagByPartition.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final java.util.function.Function<String, String> modelKeyOf;
    private final long loadCost;

    /**
     * @param modelKeyOf       the model key of an exact model id (dmap's topic naming)
     * @param loadCost   what loading a model costs, in requests a worker could serve meanwhile; a
     *                   model is split over an idle worker only with twice that many waiting
     */
    public FleetPlanner(java.util.function.Function<String, String> modelKeyOf, long loadCost) {
        this.modelKeyOf = modelKeyOf;
        this.loadCost = loadCost;
    }

    /** The partitions each member should own. Every member appears in the result, possibly with none. */
    public Map<String, List<PartitionRef>> plan(List<Member> members, List<ModelTopic> topics) {
        Map<String, List<PartitionRef>> plan = new TreeMap<>();
        if (members.isEmpty()) {
            return plan;
        }
        members.forEach(member -> plan.put(member.memberId(), new ArrayList<>()));
        Map<String, Long> load = new HashMap<>();
        members.forEach(member -> load.put(member.memberId(), 0L));
        List<ModelTopic> busyFirst = new ArrayList<>(topics);
        busyFirst.sort(Comparator.comparingLong(ModelTopic::backlog).reversed().thenComparing(ModelTopic::topic));
        Map<String, String> ownerOfTopic = new LinkedHashMap<>();
        for (ModelTopic topic : busyFirst) {
            String owner = topic.backlog() > 0 ? placeBusy(topic, members, load) : placeIdle(topic, members, plan);
            ownerOfTopic.put(topic.topic(), owner);
            boolean needsLoad = topic.backlog() > 0 && members.stream()
                    .noneMatch(m -> m.memberId().equals(owner) && hasLoaded(m, topic));
            load.merge(owner, topic.backlog() + (needsLoad ? loadCost : 0), Long::sum);
            topic.lagByPartition().keySet().stream().sorted()
                    .forEach(partition -> plan.get(owner).add(new PartitionRef(topic.topic(), partition)));
        }
        spreadToIdle(topics, plan, load, ownerOfTopic);
        balanceDominant(topics, plan, load);
        plan.values().forEach(partitions -> partitions.sort(Comparator.naturalOrder()));
        return plan;
    }

    private String placeBusy(ModelTopic topic, List<Member> members, Map<String, Long> load) {
        Comparator<Member> soonestDone = Comparator
                .comparingLong((Member m) -> load.get(m.memberId()) + (hasLoaded(m, topic) ? 0 : loadCost))
                .thenComparingLong(m -> load.get(m.memberId()))
                .thenComparing(m -> !ownedBefore(m, topic))
                .thenComparing(Member::memberId);
        return members.stream().min(soonestDone).orElseThrow().memberId();
    }

    private String placeIdle(ModelTopic topic, List<Member> members, Map<String, List<PartitionRef>> plan) {
        Comparator<Member> fewestPartitions = Comparator.comparingInt((Member m) -> plan.get(m.memberId()).size())
                .thenComparing(Member::memberId);
        Optional<Member> previous = members.stream().filter(m -> ownedBefore(m, topic)).min(fewestPartitions);
        Optional<Member> empty = members.stream().filter(m -> plan.get(m.memberId()).isEmpty()).min(fewestPartitions);
        if (previous.isPresent() && !plan.get(previous.get().memberId()).isEmpty() && !hasLoaded(previous.get(), topic)
                && empty.isPresent()) {
            return empty.get().memberId(); // a worker that joined an idle fleet gets a share, so it is not left out
        }
        return previous
                .or(() -> members.stream().filter(m -> hasLoaded(m, topic)).min(fewestPartitions))
                .or(() -> members.stream().min(fewestPartitions))
                .orElseThrow().memberId();
    }

    /** Moves partitions of the busiest splittable model to workers that would otherwise idle. */
    private void spreadToIdle(List<ModelTopic> topics, Map<String, List<PartitionRef>> plan, Map<String, Long> load,
            Map<String, String> ownerOfTopic) {
        for (String idle : idleMembers(load)) {
            topics.stream()
                    .filter(topic -> topic.lagByPartition().values().stream().filter(lag -> lag > 0).count() >= 2)
                    .filter(topic -> plan.get(ownerOfTopic.get(topic.topic())).stream()
                            .filter(p -> p.topic().equals(topic.topic()) && PartitionMoves.lagOf(topic, p) > 0).count() >= 2)
                    .filter(topic -> PartitionMoves.ownedLag(topic, plan.get(ownerOfTopic.get(topic.topic()))) >= 2 * loadCost)
                    .max(Comparator.comparingLong(topic -> PartitionMoves.ownedLag(topic, plan.get(ownerOfTopic.get(topic.topic())))))
                    .ifPresent(topic -> PartitionMoves.split(topic, ownerOfTopic.get(topic.topic()), idle, plan, load));
        }
    }

    /** Moves part of the busiest worker's largest splittable model to the least busy worker while that evens them out. */
    private void balanceDominant(List<ModelTopic> topics, Map<String, List<PartitionRef>> plan, Map<String, Long> load) {
        for (int round = 0; round < 2 * load.size(); round++) {
            Comparator<String> byLoad = Comparator.comparingLong((String member) -> load.get(member))
                    .thenComparing(Comparator.naturalOrder());
            String busiest = load.keySet().stream().max(byLoad).orElseThrow();
            String lightest = load.keySet().stream().min(byLoad).orElseThrow();
            long gap = load.get(busiest) - load.get(lightest);
            if (gap <= 2 * loadCost) {
                return;
            }
            Optional<ModelTopic> dominant = topics.stream()
                    .filter(topic -> plan.get(busiest).stream()
                            .filter(p -> p.topic().equals(topic.topic()) && PartitionMoves.lagOf(topic, p) > 0).count() >= 2)
                    .filter(topic -> PartitionMoves.ownedLag(topic, plan.get(busiest)) >= 2 * loadCost)
                    .max(Comparator.comparingLong(topic -> PartitionMoves.ownedLag(topic, plan.get(busiest))));
            if (dominant.isEmpty()) {
                return;
            }
            // only a move that lowers the busier worker's work: a partition larger than the gap would
            // leave the lighter worker the busier one, and the next rebalance would move it back
            long moved = PartitionMoves.move(dominant.get(), busiest, lightest, (gap - loadCost) / 2, false, plan, load);
            if (moved == 0) {
                return;
            }
            load.merge(lightest, loadCost, Long::sum);
        }
    }

    private static List<String> idleMembers(Map<String, Long> load) {
        return load.entrySet().stream().filter(e -> e.getValue() == 0).map(Map.Entry::getKey).sorted().toList();
    }

    private boolean hasLoaded(Member member, ModelTopic topic) {
        return member.loadedModels().stream().anyMatch(model -> modelKeyOf.apply(model).equals(topic.modelKey()));
    }

    private static boolean ownedBefore(Member member, ModelTopic topic) {
        return member.owned().stream().anyMatch(p -> p.topic().equals(topic.topic()));
    }
}
