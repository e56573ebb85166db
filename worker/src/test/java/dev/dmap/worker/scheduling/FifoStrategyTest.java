package dev.dmap.worker.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FifoStrategyTest {
    record Item(long seq, String model) implements Schedulable {
        @Override
        public java.time.Instant waitingSince() {
            return java.time.Instant.EPOCH.plusSeconds(seq);
        }

        @Override
        public java.time.Instant deadline() {
            return waitingSince().plusSeconds(120);
        }
    }

    private final FifoStrategy fifo = new FifoStrategy();
    private final WorkQueue<Item> queue = new WorkQueue<>();
    private final FakeDispatchState state = new FakeDispatchState();

    @BeforeEach
    void fill() {
        queue.add(new Item(1, "a"));
        queue.add(new Item(2, "b"));
        queue.add(new Item(3, "a"));
    }

    @Test
    void shouldServeInArrivalOrder() {
        assertThat(fifo.next(queue, state)).map(Item::seq).contains(1L);
        state.inFlight.clear();
        assertThat(fifo.next(queue, state)).map(Item::seq).contains(2L);
    }

    @Test
    void shouldWaitForTheBusyModelToDrainBeforeSwapping() {
        Optional<Item> first = fifo.next(queue, state);
        state.inFlight.put("a", 1);
        // the oldest now needs b while a is busy: FIFO blocks even though an "a" waits behind it
        assertThat(fifo.next(queue, state)).isEmpty();
        assertThat(first).map(Item::model).contains("a");
        state.inFlight.clear();
        assertThat(fifo.next(queue, state)).map(Item::model).contains("b");
    }

    @Test
    void shouldStopAtTheModelsSlots() {
        WorkQueue<Item> same = new WorkQueue<>();
        for (int i = 0; i < 5; i++) {
            same.add(new Item(i, "a"));
        }
        state.inFlight.put("a", 2);
        assertThat(fifo.next(same, state)).isEmpty();
        state.inFlight.put("a", 1);
        assertThat(fifo.next(same, state)).isPresent();
    }

    @Test
    void shouldServeTwoModelsAtOnceWhenTheBackendHoldsTwo() {
        state.maxLoaded = 2;
        state.inFlight.put("a", 1);
        queue.remove(queue.oldest().orElseThrow());
        assertThat(fifo.next(queue, state)).map(Item::model).contains("b");
    }

    @Test
    void shouldReturnNothingFromAnEmptyQueue() {
        assertThat(fifo.next(new WorkQueue<Item>(), state)).isEmpty();
    }
}
