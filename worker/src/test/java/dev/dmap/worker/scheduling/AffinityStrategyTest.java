package dev.dmap.worker.scheduling;

import dev.dmap.worker.MutableClock;
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

    record Item(long seq, String model, Instant waitingSince) implements Schedulable {
    }

    private final MutableClock clock = new MutableClock();
    private final AffinityStrategy affinity = new AffinityStrategy(clock, MAX_WAIT, MIN_HOLD, Duration.ZERO, Duration.ZERO);
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
        AffinityStrategy patient = new AffinityStrategy(clock, MAX_WAIT, MIN_HOLD, Duration.ofMillis(500), Duration.ZERO);
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
        AffinityStrategy patient = new AffinityStrategy(clock, MAX_WAIT, MIN_HOLD, Duration.ofMillis(500), Duration.ZERO);
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
        AffinityStrategy early = new AffinityStrategy(clock, MAX_WAIT, MIN_HOLD, Duration.ZERO, Duration.ofSeconds(8));
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
    void shouldLeadBySwapCooldownAndAMarginButNeverMoreThanMaxWait() {
        assertThat(AffinityStrategy.swapLead(Duration.ofSeconds(100), Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(8));
        assertThat(AffinityStrategy.swapLead(Duration.ofSeconds(2), Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(2));
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

    private void add(String... models) {
        for (String model : models) {
            queue.add(new Item(seq++, model, clock.instant()));
        }
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
