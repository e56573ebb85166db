package dev.dmap.worker.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorkQueueTest {
    record Item(long seq, String model, int partition) implements Schedulable {
        @Override
        public java.time.Instant waitingSince() {
            return java.time.Instant.EPOCH.plusSeconds(seq);
        }
    }

    private final WorkQueue<Item> queue = new WorkQueue<>(Item::partition);

    @Test
    void shouldKeepArrivalOrderWithinAModelAndGiveAPutBackItemItsPlace() {
        Item first = new Item(1, "a", 0);
        queue.add(first);
        queue.add(new Item(2, "a", 0));
        queue.remove(first);
        queue.add(first);
        assertThat(queue.oldest("a")).contains(first);
    }

    @Test
    void shouldFindTheOldestAcrossModels() {
        queue.add(new Item(5, "a", 0));
        queue.add(new Item(3, "b", 1));
        assertThat(queue.oldest()).map(Item::seq).contains(3L);
        assertThat(queue.models()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void shouldCountPerBucket() {
        queue.add(new Item(1, "a", 0));
        queue.add(new Item(2, "b", 0));
        queue.add(new Item(3, "a", 1));
        assertThat(queue.bucketSize(0)).isEqualTo(2);
        assertThat(queue.removeIf(item -> item.partition() == 0)).isEqualTo(2);
        assertThat(queue.bucketSize(0)).isZero();
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.models()).containsExactly("a");
    }

    @Test
    void shouldRefuseToRemoveAnItemThatIsNotAtTheHead() {
        queue.add(new Item(1, "a", 0));
        Item second = new Item(2, "a", 0);
        queue.add(second);
        assertThatThrownBy(() -> queue.remove(second)).isInstanceOf(IllegalArgumentException.class);
    }
}
