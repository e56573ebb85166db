package dev.dmap.worker.delivery;

import dev.dmap.schemas.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exactly-once delivery against kafka-clients' MockProducer (transactions) and MockConsumer: commit, abort and rewind, fencing. */
class ExactlyOnceDeliveryTest {
    private static final TopicPartition PARTITION = new TopicPartition("dmap.requests.m1", 0);
    private static final Duration INTERVAL = Duration.ofMillis(100);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();
    private final Assignment assignment = new Assignment(consumer);
    private final List<String> recoveries = new ArrayList<>();
    private final MutableClock clock = new MutableClock();
    private ExactlyOnceDelivery delivery;

    @BeforeEach
    void ownThePartition() {
        consumer.assign(List.of(PARTITION));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        assignment.assigned(List.of(PARTITION));
        assignment.position(Duration.ofSeconds(1));
        delivery = new ExactlyOnceDelivery(() -> {
            MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                    new ByteArraySerializer());
            producers.add(producer);
            return producer;
        }, consumer, assignment, INTERVAL, clock, new Delivery.Recovery() {
            @Override
            public void rewind() {
                recoveries.add("rewind");
            }

            @Override
            public void fatal(String why, Throwable cause) {
                recoveries.add("fatal: " + why);
            }
        });
    }

    @Test
    void shouldCommitTheOutcomesAndTheirOffsetsInOneTransaction() {
        sendOutcomes(0, 1);
        producer().completeNext();
        producer().completeNext();

        delivery.commit(true);

        assertThat(producer().transactionCommitted()).isTrue();
        assertThat(producer().history()).hasSize(2);
        assertThat(lastCommittedOffset()).isEqualTo(2);
        assertThat(recoveries).isEmpty();
    }

    @Test
    void shouldWaitForTheIntervalUnlessAskedToCommitNow() {
        sendOutcomes(0);
        producer().completeNext();

        delivery.commit(false);
        assertThat(producer().transactionCommitted()).isFalse();

        clock.advance(INTERVAL);
        delivery.commit(false);
        assertThat(producer().transactionCommitted()).isTrue();
    }

    @Test
    void shouldAbortAndRewindWhenARecordOfTheTransactionFailed() {
        sendOutcomes(0, 1);
        producer().completeNext();
        producer().errorNext(new KafkaException("the broker went away"));

        delivery.commit(true);

        assertThat(producer().transactionAborted()).isTrue();
        assertThat(producer().consumerGroupOffsetsHistory()).isEmpty();
        assertThat(recoveries).containsExactly("rewind");
    }

    @Test
    void shouldNotCommitOutcomesOfAPartitionThatChangedHands() {
        sendOutcomes(0);
        producer().completeNext();
        assignment.forget(List.of(PARTITION));
        assignment.assigned(List.of(PARTITION)); // owned again, in a new epoch

        delivery.commit(true);

        assertThat(producer().transactionAborted()).isTrue();
        assertThat(recoveries).containsExactly("rewind");
    }

    @Test
    void shouldReplaceAFencedProducerAndStopOnlyWhenFencedThreeTimesInTenMinutes() {
        for (int fence = 1; fence <= TransactionalProducer.MAX_FENCES; fence++) {
            clock.advance(TransactionalProducer.RECREATE_BACKOFF);
            sendOutcomes(fence - 1);
            producer().completeNext();
            producer().commitTransactionException = new ProducerFencedException("epoch bumped");
            delivery.commit(true);
        }

        assertThat(producers).hasSize(TransactionalProducer.MAX_FENCES);
        assertThat(recoveries).containsExactly("rewind", "rewind",
                "fatal: this worker's transactional id was fenced 3 times within 10 minutes; another worker uses the "
                        + "same id (worker ids must be unique within a group)");
    }

    @Test
    void shouldStopAtOnceWhenAnotherInstanceHasTheSameGroupInstanceId() {
        sendOutcomes(0);
        producer().completeNext();
        producer().commitTransactionException = new FencedInstanceIdException("fenced");

        delivery.commit(true);

        assertThat(recoveries).singleElement().asString().startsWith("fatal: the transaction cannot commit");
    }

    private void sendOutcomes(long... offsets) {
        for (long offset : offsets) {
            ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(PARTITION.topic(), 0, offset, null, new byte[0]);
            assignment.tracker(PARTITION).fetched(offset);
            PendingRecord pending = PendingRecord.undecoded(offset, assignment.epoch(PARTITION), record, clock.instant());
            delivery.send(pending, new ProducerRecord<>("dmap.results", new byte[0]));
        }
    }

    private MockProducer<byte[], byte[]> producer() {
        return producers.get(producers.size() - 1);
    }

    private long lastCommittedOffset() {
        var history = producer().consumerGroupOffsetsHistory();
        Map<TopicPartition, OffsetAndMetadata> offsets = history.get(history.size() - 1).values().iterator().next();
        return offsets.get(PARTITION).offset();
    }
}
