package dev.dmap.worker.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Requests sharing a prompt prefix go back to back, never before a higher priority, an earlier deadline or an earlier submission. */
class PrefixOrderTest {
    private static final Instant BATCH = Instant.EPOCH.plusSeconds(1_000);
    private static final Instant DAY = BATCH.plus(Duration.ofDays(1));

    record Item(long seq, String model, Instant waitingSince, Instant deadline, int priority, Integer key) implements Schedulable {
        @Override
        public OptionalInt prefix() {
            return key == null ? OptionalInt.empty() : OptionalInt.of(key);
        }

        static Item batch(long seq, Integer key) {
            return new Item(seq, "m", BATCH, DAY, 0, key);
        }
    }

    private final WorkQueue<Item> queue = new WorkQueue<>();

    @Test
    void shouldServeABatchsRequestsPrefixByPrefixInTheOrderEachPrefixFirstArrived() {
        for (long seq = 1; seq <= 9; seq++) {
            queue.add(Item.batch(seq, (int) (seq % 3))); // prefixes 1, 2, 0, 1, 2, 0, ...
        }
        queue.add(Item.batch(10, null)); // no long prefix: its own place

        assertThat(drain()).containsExactly(1L, 4L, 7L, 2L, 5L, 8L, 3L, 6L, 9L, 10L);
    }

    @Test
    void shouldNeverPutAPrefixGroupBeforeAHigherPriorityOrAnEarlierDeadlineOrAnEarlierSubmission() {
        queue.add(Item.batch(1, 7));
        queue.add(Item.batch(2, 8));
        queue.add(Item.batch(3, 7));
        queue.add(new Item(4, "m", BATCH, DAY, 5, 8)); // higher priority, same prefix as 2
        queue.add(new Item(5, "m", BATCH, BATCH.plusSeconds(60), 0, 8)); // an earlier deadline
        queue.add(new Item(6, "m", BATCH.minusSeconds(1), DAY, 0, 8)); // submitted earlier, same deadline
        queue.add(Item.batch(7, 8));

        assertThat(drain()).containsExactly(4L, 5L, 6L, 1L, 3L, 2L, 7L);
    }

    @Test
    void shouldForgetAGroupOnceItsLastRequestLeavesSoALaterOneStartsItsOwn() {
        queue.add(Item.batch(1, 7));
        queue.add(Item.batch(2, 8));
        assertThat(drain()).containsExactly(1L, 2L);

        queue.add(Item.batch(3, 8));
        queue.add(Item.batch(4, 7));
        queue.add(Item.batch(5, 8));
        assertThat(drain()).containsExactly(3L, 5L, 4L);
    }

    @Test
    void shouldKeepAPutBackRequestsPlaceInItsGroup() {
        Item first = Item.batch(1, 7);
        queue.add(first);
        queue.add(Item.batch(2, 8));
        queue.add(Item.batch(3, 7));
        queue.remove(first);
        queue.add(first); // the backend went down: it comes back

        assertThat(drain()).containsExactly(1L, 3L, 2L);
    }

    private List<Long> drain() {
        List<Long> order = new ArrayList<>();
        while (queue.head("m").isPresent()) {
            Item head = queue.head("m").get();
            queue.remove(head);
            order.add(head.seq());
        }
        return order;
    }
}
