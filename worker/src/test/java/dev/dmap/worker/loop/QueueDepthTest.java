package dev.dmap.worker.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.worker.metrics.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The backlog the scheduler sees: an unknown consumer lag is never taken for a drained partition. */
class QueueDepthTest {
    private static final TopicPartition FETCHED = new TopicPartition("dmap.requests.m", 0);
    private static final TopicPartition NOT_YET_FETCHED = new TopicPartition("dmap.requests.m", 1);

    /** Like a real consumer: no lag for a partition until a fetch for it returned. */
    private static class FreshConsumer extends MockConsumer<byte[], byte[]> {
        final Set<TopicPartition> unfetched = new HashSet<>();

        FreshConsumer() {
            super("earliest");
        }

        @Override
        public synchronized OptionalLong currentLag(TopicPartition partition) {
            return unfetched.contains(partition) ? OptionalLong.empty() : super.currentLag(partition);
        }
    }

    @Test
    void shouldReadTheLagOfAPartitionNotFetchedYetFromItsEndOffset() {
        FreshConsumer consumer = new FreshConsumer();
        consumer.assign(List.of(FETCHED, NOT_YET_FETCHED));
        consumer.updateBeginningOffsets(Map.of(FETCHED, 0L, NOT_YET_FETCHED, 0L));
        consumer.updateEndOffsets(Map.of(FETCHED, 3L, NOT_YET_FETCHED, 16_000L));
        consumer.seek(FETCHED, 1);
        consumer.seek(NOT_YET_FETCHED, 0);
        consumer.unfetched.add(NOT_YET_FETCHED);
        QueueDepth depth = new QueueDepth(consumer, new WorkerMetrics(new SimpleMeterRegistry()));

        assertThat(depth.lag(Set.of(FETCHED, NOT_YET_FETCHED))).containsEntry("m", 2L + 16_000L);
    }

    @Test
    void shouldCountAnUnknownLagAsWorkWhenTheBrokerCannotSayEither() {
        FreshConsumer consumer = new FreshConsumer() {
            @Override
            public synchronized Map<TopicPartition, Long> endOffsets(java.util.Collection<TopicPartition> partitions,
                    java.time.Duration timeout) {
                throw new org.apache.kafka.common.errors.TimeoutException("broker away");
            }
        };
        consumer.assign(List.of(NOT_YET_FETCHED));
        consumer.unfetched.add(NOT_YET_FETCHED);
        QueueDepth depth = new QueueDepth(consumer, new WorkerMetrics(new SimpleMeterRegistry()));

        assertThat(depth.lag(Set.of(NOT_YET_FETCHED))).containsEntry("m", 1L);
    }
}
