package dev.dmap.worker.scheduling;

import dev.dmap.schemas.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AffinityStrategyTest {
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final Duration MIN_HOLD = Duration.ofSeconds(10);

    private static final Duration DAY = Duration.ofHours(24);

    record Item(long seq, String model, Instant waitingSince, Instant deadline, int priority) implements Schedulable {
    }

    private final MutableClock clock = new MutableClock();
    private final ServiceTimes times = new ServiceTimes(Duration.ZERO);
    private final AffinityStrategy affinity = new AffinityStrategy(clock, MIN_HOLD, Duration.ZERO, times);
    private final WorkQueue<Item> queue = new WorkQueue<>();
    private final FakeDispatchState state = new FakeDispatchState();
    private long seq;

    @Test
    void shouldServeOneModelUntilItIsDrainedInsteadOfFollowingArrivalOrder() {
        add("a", "b", "a", "b", "a", "b");
        state.slots = 10;

        List<String> started = drainAll();

        assertThat(started).containsExactly("a", "a", "a", "b", "b", "b");
    }

    @Test
    void shouldStartRequestsForAModelTheBackendLacksAtOnceWithoutSwapping() {
        add("a", "a", "a", "gone", "gone");
        state.missing.add("gone");
        assertThat(next()).map(Item::model).contains("gone");
        assertThat(next()).map(Item::model).contains("gone");
        assertThat(next()).map(Item::model).contains("a");
        assertThat(affinity.isServing("gone")).as("no slot of the GPU was given to it").isFalse();
    }

    @Test
    void shouldPreferTheModelWithTheLargestBacklog() {
        add("a", "b", "b", "b");
        assertThat(next()).map(Item::model).contains("b");
    }

    @Test
    void shouldCountUnfetchedRecordsInTheBacklog() {
        add("a", "a", "b");
        state.lag.put("b", 100L);
        assertThat(next()).map(Item::model).contains("b");
    }

    @Test
    void shouldPreferAModelTheBackendAlreadyHolds() {
        add("a", "b", "b", "b");
        state.loaded.add("a");
        assertThat(next()).map(Item::model).contains("a");
    }

    @Test
    void shouldStopAtTheModelsSlots() {
        add("a", "a", "a");
        assertThat(next()).isPresent();
        state.inFlight.put("a", 2);
        assertThat(next()).isEmpty();
    }

    @Test
    void shouldNotSwapWhileTheServedModelStillHasUnfetchedWork() {
        add("a", "b");
        next(); // a
        state.lag.put("a", 5L);
        assertThat(next()).isEmpty();
        assertThat(affinity.isServing("a")).isTrue();
        assertThat(affinity.isServing("b")).isFalse();
    }

    @Test
    void shouldWaitTheDrainGraceBeforeSwappingAwayFromAModelWhoseRequestsAreStillArriving() {
        AffinityStrategy patient = new AffinityStrategy(clock, MIN_HOLD, Duration.ofMillis(500), times);
        add("a", "b");
        state.arrivals.put("a", clock.instant());
        assertThat(patient.next(queue, state)).map(Item::model).contains("a");
        assertThat(patient.next(queue, state)).as("a just drained; more of it may be arriving").isEmpty();
        clock.advance(Duration.ofMillis(499));
        assertThat(patient.next(queue, state)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(patient.next(queue, state)).map(Item::model).contains("b");
    }

    @Test
    void shouldSwapAtOnceFromADrainedModelWhoseRequestsStoppedArriving() {
        AffinityStrategy patient = new AffinityStrategy(clock, MIN_HOLD, Duration.ofMillis(500), times);
        add("a", "b");
        state.arrivals.put("a", clock.instant().minusSeconds(5));
        assertThat(patient.next(queue, state)).map(Item::model).contains("a");
        assertThat(patient.next(queue, state)).map(Item::model).contains("b");
    }

    @Test
    void shouldSwapOnlyAfterTheDrainedModelsRequestsHaveEnded() {
        add("a", "b");
        assertThat(next()).map(Item::model).contains("a");
        state.inFlight.put("a", 1);
        assertThat(next()).as("a is still generating").isEmpty();
        state.inFlight.clear();
        assertThat(next()).map(Item::model).contains("b");
    }

    @Test
    void shouldSwapToAStarvingModelOnceTheServedOneHasHeldLongEnough() {
        add("a", "a", "a", "a", "a", "a");
        add("b");
        state.slots = 1;
        assertThat(next()).map(Item::model).contains("a");
        state.inFlight.put("a", 1);

        clock.advance(MAX_WAIT.plusSeconds(1));
        assertThat(next()).as("a is retired but busy: nothing starts").isEmpty();
        assertThat(affinity.isServing("a")).isFalse();
        state.inFlight.clear();

        assertThat(next()).map(Item::model).contains("b");
        state.inFlight.put("b", 1);
        assertThat(next()).isEmpty();
        state.inFlight.clear();
        assertThat(next()).map(Item::model).as("b is drained, back to a").contains("a");
    }

    @Test
    void shouldStartTheSwapEarlyEnoughThatTheWaitNotTheSwapIsBounded() {
        AffinityStrategy early = new AffinityStrategy(clock, MIN_HOLD, Duration.ZERO, new ServiceTimes(Duration.ofSeconds(8)));
        add("a", "a", "a");
        add("b");
        state.slots = 1;
        assertThat(early.next(queue, state)).map(Item::model).contains("a");
        state.inFlight.put("a", 1);
        clock.advance(MAX_WAIT.minusSeconds(9));
        early.next(queue, state);
        assertThat(early.isServing("a")).isTrue();
        clock.advance(Duration.ofSeconds(1)); // b has waited max-wait minus the 8 s lead
        early.next(queue, state);
        assertThat(early.isServing("a")).isFalse();
    }

    @Test
    void shouldAssumeASwapCostsTheCooldownAndAMarginButNeverMoreThanTheOnlineBound() {
        assertThat(ServiceTimes.priorSwapCost(Duration.ofSeconds(100), Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(8));
        assertThat(ServiceTimes.priorSwapCost(Duration.ofSeconds(2), Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldNotInterruptAModelBeforeItsMinimumHold() {
        add("b");
        clock.advance(MAX_WAIT.plusSeconds(5)); // b is already starving
        add("a", "a", "a");
        state.loaded.add("a");
        // b starves, so it is chosen first; then a, once b is drained
        assertThat(next()).map(Item::model).contains("b");
        assertThat(next()).map(Item::model).contains("a");
        state.inFlight.put("a", 1);
        add("c");
        clock.advance(MAX_WAIT.plusSeconds(1));
        Duration heldByA = MAX_WAIT.plusSeconds(1);
        assertThat(heldByA).isGreaterThan(MIN_HOLD);
        assertThat(next()).isEmpty();
        assertThat(affinity.isServing("a")).as("a held for longer than min-hold: retired for c").isFalse();
    }

    @Test
    void shouldKeepAFreshlyChosenModelForItsMinimumHoldEvenIfAnotherStarves() {
        add("b");
        clock.advance(MAX_WAIT.minusSeconds(5));
        add("a", "a", "a", "a");
        state.slots = 1;
        assertThat(next()).map(Item::model).contains("a");
        state.inFlight.put("a", 1);
        clock.advance(Duration.ofSeconds(6)); // b now waited past max-wait, a has held 6 s < min-hold
        assertThat(next()).isEmpty();
        assertThat(affinity.isServing("a")).isTrue();
        clock.advance(MIN_HOLD);
        next();
        assertThat(affinity.isServing("a")).isFalse();
    }

    @Test
    void shouldServeTwoModelsAtOnceWhenTheBackendHoldsTwo() {
        state.maxLoaded = 2;
        state.slots = 10;
        add("a", "b", "c", "c", "c");
        assertThat(next()).map(Item::model).as("largest backlog first").contains("c");
        state.inFlight.put("c", 1);
        assertThat(next()).map(Item::model).contains("c");
        assertThat(next()).map(Item::model).contains("c");
        assertThat(next()).map(Item::model).as("the second slot serves the oldest other").contains("a");
        assertThat(affinity.servingModels(state)).containsExactlyInAnyOrder("a", "c");
        state.inFlight.put("a", 1);
        assertThat(next()).as("both model slots are taken and busy").isEmpty();
    }

    @Test
    void shouldNeverSwapAwayFromABulkBatchWithADayWindowBeforeItIsTrulyDrained() {
        addBatch("a", 50);
        addBatch("b", 50);
        state.slots = 1;
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Optional<Item> item = next();
            assertThat(item).isPresent();
            started.add(item.get().model());
            clock.advance(Duration.ofMinutes(1)); // hours past max-wait and min-hold
            affinity.served(item.get().model(), Duration.ofMinutes(1), Duration.ZERO);
        }
        assertThat(started).containsOnly("a");
        state.lag.put("a", 1_000L); // nothing of a left in memory, but Kafka still holds 1,000
        clock.advance(Duration.ofHours(2));
        assertThat(next()).as("a is drained in memory only").isEmpty();
        assertThat(affinity.isServing("a")).isTrue();
        state.lag.clear();
        assertThat(next()).map(Item::model).contains("b");
    }

    @Test
    void shouldPreemptABulkModelAtTheLastSafeMomentForAnOnlineRequestsDeadline() {
        AffinityStrategy strategy = new AffinityStrategy(clock, MIN_HOLD, Duration.ZERO, new ServiceTimes(Duration.ofSeconds(5)));
        addBatch("a", 100);
        state.slots = 1;
        assertThat(strategy.next(queue, state)).map(Item::model).contains("a");
        strategy.served("a", Duration.ofSeconds(1), Duration.ZERO);
        state.inFlight.put("a", 1);
        add("b"); // online: must start within 60 s; a swap costs 5 s, a request 1 s, a's in-flight request 1 s
        clock.advance(Duration.ofSeconds(52));
        strategy.next(queue, state);
        assertThat(strategy.isServing("a")).as("53 s is the last safe start; a keeps its slot until then").isTrue();
        clock.advance(Duration.ofSeconds(1));
        strategy.next(queue, state);
        assertThat(strategy.isServing("a")).as("99 requests of a would take 99 s: b's deadline would pass").isFalse();
        state.inFlight.clear();
        assertThat(strategy.next(queue, state)).map(Item::model).contains("b");
    }

    @Test
    void shouldLetTheServedModelFinishWhenItEndsBeforeAWaitingDeadline() {
        AffinityStrategy strategy = new AffinityStrategy(clock, MIN_HOLD, Duration.ZERO, new ServiceTimes(Duration.ofSeconds(5)));
        addBatch("a", 2);
        state.slots = 2;
        assertThat(strategy.next(queue, state)).map(Item::model).contains("a");
        strategy.served("a", Duration.ofSeconds(1), Duration.ZERO);
        state.inFlight.put("a", 1);
        add("b");
        clock.advance(Duration.ofSeconds(53)); // past b's last safe start, but a's last two requests end by then
        strategy.next(queue, state);
        assertThat(strategy.isServing("a")).isTrue();
    }

    @Test
    void shouldServeAHigherPriorityFirstAndTakeTheGpuAtTheNextSafePoint() {
        addBatch("a", 10);
        addWithPriority("b", 5);
        assertThat(next()).map(Item::model).as("b's priority beats a's larger backlog").contains("b");
        state.inFlight.put("b", 1);
        assertThat(next()).isEmpty();
        state.inFlight.clear();
        assertThat(next()).map(Item::model).contains("a");
        state.inFlight.put("a", 1);

        addWithPriority("c", 3); // arrives while a is generating; no min-hold for a priority
        assertThat(next()).as("a is retired; its request in flight ends first").isEmpty();
        assertThat(affinity.isServing("a")).isFalse();
        state.inFlight.clear();
        assertThat(next()).map(Item::model).contains("c");
    }

    @Test
    void shouldSwapForAnInteractiveCallOnlyWhileTheRunningBatchStillMeetsItsDeadline() {
        // a batch due in 100 s whose remaining work (60 requests of 1 s, one slot) takes 60 s
        for (int i = 0; i < 60; i++) {
            queue.add(new Item(seq++, "bulk", clock.instant(), clock.instant().plusSeconds(100), 0));
        }
        state.slots = 1;
        assertThat(next()).map(Item::model).contains("bulk");
        affinity.served("bulk", Duration.ofSeconds(1), Duration.ofSeconds(10)); // a swap costs about 10 s each way
        state.inFlight.put("bulk", 1);

        addWithPriority("chat", 1000); // an interactive call for another model: the detour takes about 21 s
        next();
        assertThat(affinity.isServing("bulk")).as("60 s of work + 21 s of detour fits in 100 s").isFalse();
    }

    @Test
    void shouldMakeAnInteractiveCallWaitWhenTheDetourWouldMakeTheBatchLate() {
        // due in 45 s: 60 requests of 1 s on two slots take 30 s, the detour about 20.5 s more
        for (int i = 0; i < 60; i++) {
            queue.add(new Item(seq++, "bulk", clock.instant(), clock.instant().plusSeconds(45), 0));
        }
        state.slots = 2;
        assertThat(next()).map(Item::model).contains("bulk");
        affinity.served("bulk", Duration.ofSeconds(1), Duration.ofSeconds(10));
        state.inFlight.put("bulk", 1);

        addWithPriority("chat", 1000);
        assertThat(next()).map(Item::model).as("30 s of work + 20.5 s of detour would miss 45 s: the batch goes on")
                .contains("bulk");
        assertThat(affinity.isServing("bulk")).isTrue();
    }

    @Test
    void shouldKeepAHighPriorityModelWhoseRequestsAreAllInFlight() {
        addWithPriority("a", 5);
        addWithPriority("a", 5);
        state.slots = 2;
        assertThat(next()).map(Item::model).contains("a");
        assertThat(next()).map(Item::model).contains("a");
        state.inFlight.put("a", 2);
        state.lag.put("a", 10L); // more of a in Kafka, nothing of it waiting in memory
        addWithPriority("b", 1);
        next();
        assertThat(affinity.isServing("a")).as("a's work has priority 5, b's 1").isTrue();
    }

    @Test
    void shouldStillMeetALowerPrioritysDeadline() {
        for (int i = 0; i < 100; i++) {
            addWithPriority("high", 5);
        }
        state.slots = 1;
        assertThat(next()).map(Item::model).contains("high");
        affinity.served("high", Duration.ofSeconds(1), Duration.ZERO);
        state.inFlight.put("high", 1);
        add("low"); // priority 0, online: due in 60 s
        clock.advance(Duration.ofSeconds(58)); // the last safe start (60 - 1 s service - its in-flight 1 s)
        next();
        assertThat(affinity.isServing("high")).isFalse();
        state.inFlight.clear();
        assertThat(next()).map(Item::model).contains("low");
    }

    /** Online requests: their deadline is their arrival plus the online bound. */
    private void add(String... models) {
        for (String model : models) {
            queue.add(new Item(seq++, model, clock.instant(), clock.instant().plus(MAX_WAIT), 0));
        }
    }

    /** {@code count} requests of one batch with a 24 h completion window. */
    private void addBatch(String model, int count) {
        for (int i = 0; i < count; i++) {
            queue.add(new Item(seq++, model, clock.instant(), clock.instant().plus(DAY), 0));
        }
    }

    private void addWithPriority(String model, int priority) {
        queue.add(new Item(seq++, model, clock.instant(), clock.instant().plus(DAY), priority));
    }

    private Optional<Item> next() {
        return affinity.next(queue, state);
    }

    /** Starts everything, finishing each model's work before asking again. */
    private List<String> drainAll() {
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 100 && !queue.isEmpty(); i++) {
            Optional<Item> item = next();
            if (item.isEmpty()) {
                state.inFlight.clear();
                continue;
            }
            started.add(item.get().model());
            state.inFlight.merge(item.get().model(), 1, Integer::sum);
        }
        return started;
    }
}
