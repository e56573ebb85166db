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

        @Override
        public java.time.Instant deadline() {
            return waitingSince().plusSeconds(120);
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
        assertThat(queue.head("a")).contains(first);
    }

    @Test
    void shouldServeHigherPriorityThenEarlierDeadlineFirstWithinAModel() {
        record Urgent(long seq, String model, java.time.Instant deadline, int priority) implements Schedulable {
            @Override
            public java.time.Instant waitingSince() {
                return java.time.Instant.EPOCH;
            }
        }
        WorkQueue<Urgent> urgent = new WorkQueue<>();
        java.time.Instant day = java.time.Instant.EPOCH.plus(java.time.Duration.ofDays(1));
        urgent.add(new Urgent(1, "a", day, 0));
        urgent.add(new Urgent(2, "a", java.time.Instant.EPOCH.plusSeconds(120), 0)); // an online request after a batch
        urgent.add(new Urgent(3, "a", day, 5));
        java.util.List<Long> order = new java.util.ArrayList<>();
        while (urgent.head("a").isPresent()) {
            Urgent head = urgent.head("a").get();
            urgent.remove(head);
            order.add(head.seq());
        }
        assertThat(order).containsExactly(3L, 2L, 1L);
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
