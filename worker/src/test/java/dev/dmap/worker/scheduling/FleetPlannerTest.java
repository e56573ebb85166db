package dev.dmap.worker.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.Topics;
import dev.dmap.worker.scheduling.FleetPlanner.Member;
import dev.dmap.worker.scheduling.FleetPlanner.ModelTopic;
import dev.dmap.worker.scheduling.FleetPlanner.PartitionRef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FleetPlannerTest {
    private static final Topics TOPICS = Topics.defaults();
    private final FleetPlanner planner = new FleetPlanner(Topics::modelKey, 100);

    @Test
    void shouldGiveAModelToTheWorkerThatHasItLoaded() {
        List<Member> members = List.of(member("w1", Set.of("b")), member("w2", Set.of("a")));
        Map<String, List<PartitionRef>> plan = planner.plan(members, List.of(topic("a", 10, 10), topic("b", 10, 10)));
        assertThat(models(plan.get("w1"))).containsExactly("b");
        assertThat(models(plan.get("w2"))).containsExactly("a");
    }

    @Test
    void shouldKeepAllPartitionsOfAModelTogether() {
        List<Member> members = List.of(member("w1", Set.of()), member("w2", Set.of()));
        Map<String, List<PartitionRef>> plan = planner.plan(members,
                List.of(topic("a", 5, 5, 5), topic("b", 4, 4, 4), topic("c", 0, 0, 0)));
        plan.values().forEach(partitions -> assertThat(partitions.stream().collect(
                Collectors.groupingBy(PartitionRef::topic, Collectors.counting())).values()).allMatch(n -> n == 3));
        assertThat(plan.values().stream().mapToInt(List::size).sum()).isEqualTo(9);
    }

    @Test
    void shouldBalanceModelsAcrossWorkersByBacklog() {
        List<Member> members = List.of(member("w1", Set.of()), member("w2", Set.of()));
        Map<String, List<PartitionRef>> plan = planner.plan(members,
                List.of(topic("a", 100), topic("b", 80), topic("c", 60), topic("d", 40)));
        Map<String, Long> load = backlogByMember(plan, Map.of("a", 100L, "b", 80L, "c", 60L, "d", 40L));
        assertThat(load.values()).containsExactlyInAnyOrder(140L, 140L);
    }

    @Test
    void shouldNotPileEveryModelOnTheWorkerThatHappensToHaveThemLoaded() {
        List<Member> members = List.of(member("w1", Set.of("a", "b")), member("w2", Set.of()));
        Map<String, List<PartitionRef>> plan = planner.plan(members, List.of(topic("a", 100), topic("b", 100)));
        assertThat(models(plan.get("w1"))).hasSize(1);
        assertThat(models(plan.get("w2"))).hasSize(1);
    }

    @Test
    void shouldSpreadAHotModelOverWorkersThatWouldSitIdle() {
        List<Member> members = List.of(member("w1", Set.of("hot")), member("w2", Set.of()), member("w3", Set.of()));
        Map<String, List<PartitionRef>> plan = planner.plan(members, List.of(topic("hot", 100, 100, 100, 100, 100, 100)));
        assertThat(plan.get("w1")).isNotEmpty();
        assertThat(plan.get("w2")).isNotEmpty();
        assertThat(plan.get("w3")).isNotEmpty();
        assertThat(plan.values().stream().mapToInt(List::size).sum()).isEqualTo(6);
    }

    @Test
    void shouldSpreadAModelThatDominatesSoThatNoGpuFinishesFarEarlier() {
        List<Member> members = List.of(member("w1", Set.of("hot")), member("w2", Set.of("a")), member("w3", Set.of("b")),
                member("w4", Set.of("c")));
        // hot: 1,800 requests in 6 partitions; the others 300 each; a load costs 100
        Map<String, List<PartitionRef>> plan = planner.plan(members, List.of(topic("hot", 300, 300, 300, 300, 300, 300),
                topic("a", 300), topic("b", 300), topic("c", 300)));
        Map<String, Long> work = new java.util.TreeMap<>();
        plan.forEach((member, partitions) -> work.put(member, partitions.stream().mapToLong(p -> 300).sum()
                + (partitions.stream().anyMatch(p -> p.topic().endsWith("hot")) && !member.equals("w1") ? 100 : 0)));
        assertThat(plan.values()).allSatisfy(partitions -> assertThat(partitions).isNotEmpty());
        assertThat(work.values().stream().mapToLong(Long::longValue).max().orElseThrow())
                .as("without the split w1 would have 1,800 while the others had 300: " + work).isLessThanOrEqualTo(1_000);
        assertThat(plan.values().stream().mapToInt(List::size).sum()).isEqualTo(9);
    }

    @Test
    void shouldNotSplitAModelWhoseBacklogIsTooSmallToPayForAnotherLoad() {
        List<Member> members = List.of(member("w1", Set.of()), member("w2", Set.of()));
        // splitting 150 requests saves 75, less than the 100 a load costs
        Map<String, List<PartitionRef>> plan = planner.plan(members, List.of(topic("a", 50, 50, 50)));
        assertThat(plan.values()).anyMatch(List::isEmpty);
    }

    @Test
    void shouldNotSplitAModelWhoseBacklogSitsInOnePartition() {
        List<Member> members = List.of(member("w1", Set.of()), member("w2", Set.of()));
        Map<String, List<PartitionRef>> plan = planner.plan(members, List.of(topic("a", 900, 0, 0)));
        assertThat(plan.get("w1").size() + plan.get("w2").size()).isEqualTo(3);
        assertThat(plan.values()).anyMatch(List::isEmpty);
    }

    @Test
    void shouldStayWhereItWasWhenNothingChanged() {
        Member w1 = new Member("w1", Set.of("a"), Set.of(new PartitionRef(TOPICS.requests("a"), 0)));
        Member w2 = new Member("w2", Set.of("b"), Set.of(new PartitionRef(TOPICS.requests("b"), 0)));
        Map<String, List<PartitionRef>> plan = planner.plan(List.of(w1, w2), List.of(topic("a", 0), topic("b", 0)));
        assertThat(models(plan.get("w1"))).containsExactly("a");
        assertThat(models(plan.get("w2"))).containsExactly("b");
    }

    @Test
    void shouldReassignTheModelsOfAWorkerThatLeft() {
        Member w1 = new Member("w1", Set.of("a"), Set.of(new PartitionRef(TOPICS.requests("a"), 0)));
        Member w3 = new Member("w3", Set.of("c"), Set.of(new PartitionRef(TOPICS.requests("c"), 0)));
        // w2, which owned b, is gone
        Map<String, List<PartitionRef>> plan = planner.plan(List.of(w1, w3),
                List.of(topic("a", 30), topic("b", 20), topic("c", 10)));
        assertThat(models(plan.get("w1"))).contains("a");
        assertThat(models(plan.get("w3"))).contains("c", "b");
    }

    @Test
    void shouldPlaceANewModelTopicOnTheLeastLoadedWorker() {
        Member w1 = new Member("w1", Set.of("a"), Set.of(new PartitionRef(TOPICS.requests("a"), 0)));
        Member w2 = new Member("w2", Set.of("b"), Set.of(new PartitionRef(TOPICS.requests("b"), 0)));
        Map<String, List<PartitionRef>> plan = planner.plan(List.of(w1, w2),
                List.of(topic("a", 100), topic("b", 10), topic("new", 30)));
        assertThat(models(plan.get("w2"))).containsExactlyInAnyOrder("b", "new");
    }

    @Test
    void shouldGiveEveryMemberAnEntryEvenWithoutWork() {
        Map<String, List<PartitionRef>> plan = planner.plan(List.of(member("w1", Set.of()), member("w2", Set.of())), List.of());
        assertThat(plan).containsOnlyKeys("w1", "w2");
    }

    @Test
    void shouldGiveAWorkerThatJoinsAnIdleFleetAShareOfTheIdleModels() {
        Set<PartitionRef> all = Set.of(new PartitionRef(TOPICS.requests("a"), 0), new PartitionRef(TOPICS.requests("b"), 0),
                new PartitionRef(TOPICS.requests("c"), 0));
        List<Member> members = List.of(new Member("w1", Set.of(), all), member("w2", Set.of()));
        Map<String, List<PartitionRef>> plan = planner.plan(members, List.of(topic("a", 0), topic("b", 0), topic("c", 0)));
        assertThat(models(plan.get("w2"))).hasSize(1);
        assertThat(models(plan.get("w1"))).hasSize(2);
    }

    @Test
    void shouldKeepAnIdleModelWhereItIsLoaded() {
        Set<PartitionRef> both = Set.of(new PartitionRef(TOPICS.requests("a"), 0), new PartitionRef(TOPICS.requests("b"), 0));
        List<Member> members = List.of(new Member("w1", Set.of("a", "b"), both), member("w2", Set.of()));
        Map<String, List<PartitionRef>> plan = planner.plan(members, List.of(topic("a", 0), topic("b", 0)));
        assertThat(models(plan.get("w1"))).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void shouldNotMoveAPartitionThatWouldOnlyTurnTheGapAround() {
        // 2,000 against 1,000: moving a 1,000-request partition would leave w2 with 2,000 and a
        // load, and the next rebalance would move it back
        Member w1 = new Member("w1", Set.of("hot"), Set.copyOf(partitions("hot", 2)));
        Member w2 = new Member("w2", Set.of("a"), Set.copyOf(partitions("a", 1)));
        Map<String, List<PartitionRef>> plan = planner.plan(List.of(w1, w2),
                List.of(topic("hot", 1000, 1000), topic("a", 1000)));
        assertThat(plan.get("w1")).containsExactlyInAnyOrderElementsOf(partitions("hot", 2));
        assertThat(plan.get("w2")).containsExactlyElementsOf(partitions("a", 1));
    }

    private static List<PartitionRef> partitions(String model, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> new PartitionRef(TOPICS.requests(model), i)).toList();
    }

    private static Member member(String id, Set<String> loaded) {
        return new Member(id, loaded, Set.of());
    }

    private static ModelTopic topic(String model, long... lags) {
        Map<Integer, Long> lagByPartition = new HashMap<>();
        for (int i = 0; i < lags.length; i++) {
            lagByPartition.put(i, lags[i]);
        }
        return new ModelTopic(TOPICS.requests(model), Topics.modelKey(model), lagByPartition);
    }

    private static Set<String> models(List<PartitionRef> partitions) {
        return partitions.stream().map(p -> p.topic().substring(TOPICS.requestsPrefix().length())).collect(Collectors.toSet());
    }

    private static Map<String, Long> backlogByMember(Map<String, List<PartitionRef>> plan, Map<String, Long> backlog) {
        Map<String, Long> load = new HashMap<>();
        plan.forEach((member, partitions) -> load.put(member,
                models(partitions).stream().mapToLong(backlog::get).sum()));
        return load;
    }
}
